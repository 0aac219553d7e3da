/* config_rules.c -- the configuration's defaults and the rules between
 * its keys (config_rules.h): who moderates and who may log in, the token
 * rules and Jitsi's features, the authorization request's options, the
 * client's authentication, the outbound network, secrets refused. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"
#include "config_rules.h"
#include "secret.h"
#include "url.h"
#include "util.h"

/* In MEET_FEATURES' order; at most the bits of an unsigned long. */
const char *const jo_jitsi_features[] = {
	"branding", "calendar", "create-polls", "file-upload", "flip",
	"inbound-call", "livestreaming", "live-translation", "lobby",
	"moderation", "outbound-call", "recording", "room", "screen-sharing",
	"send-groupchat", "send-private-message", "list-visitors",
	"sip-inbound-call", "sip-outbound-call", "transcription", NULL
};

/* Problems are collected, one per line, so that --check-config can list
 * them all; the program refuses to run with any. */
void
jo_problem(struct jo_problems *p, const char *fmt, ...)
{
	char	 msg[700];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->n++ > 0)
		jo_buf_add(&p->b, "\n", 1);
	jo_buf_adds(&p->b, msg);
}

static void
dflt(char **p, const char *v)
{
	if (*p == NULL)
		*p = jo_xstrdup(v);
}

static int
scheme_ok(const char *s)
{
	size_t	 i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("+-.", s[i])))
			return 0;
	return i <= 64;
}

/* An Android package name: dot-separated Java identifiers, two at
 * least (org.jitsi.meet). */
static int
package_ok(const char *s)
{
	size_t	 i, parts = 1;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '.') {
			if (i == 0 || s[i - 1] == '.' || s[i + 1] == '\0')
				return 0;
			parts++;
		} else if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		    (s[i] >= '0' && s[i] <= '9' && i > 0 && s[i - 1] != '.')))
			return 0;
	}
	return parts >= 2 && i <= 128 && !(s[0] >= '0' && s[0] <= '9');
}

/* prompt: space-separated none, login, consent, select_account; "none"
 * alone (OpenID Connect Core 3.1.2.1). */
static int
prompt_ok(const char *v)
{
	const char	*q = v, *p;
	size_t		 n, words = 0;
	int		 none = 0;

	while ((p = jo_word(&q, &n)) != NULL) {
		if (n == 4 && strncmp(p, "none", 4) == 0)
			none = 1;
		else if (!((n == 5 && strncmp(p, "login", 5) == 0) ||
		    (n == 7 && strncmp(p, "consent", 7) == 0) ||
		    (n == 14 && strncmp(p, "select_account", 14) == 0)))
			return 0;
		words++;
	}
	return words > 0 && !(none && words > 1);
}

/* Space-separated words, each of 1 to max bytes of printable ASCII
 * that chars allows (NULL: any), at most 1024 bytes in all. */
static int
words_ok(const char *v, const char *chars, size_t max)
{
	size_t	 n = 0, i, words = 0;

	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == ' ') {
			n = 0;
			continue;
		}
		if (v[i] <= ' ' || v[i] > '~' || v[i] == '"' || v[i] == '\\' ||
		    (chars != NULL && !((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') || strchr(chars, v[i]))))
			return 0;
		if (n++ == 0)
			words++;
		if (n > max)
			return 0;
	}
	return words > 0 && i <= 1024;
}

/* Parameters the adapter sets itself, or that would change what the
 * response means: never taken from auth_params. */
static const char *const own_params[] = { "response_type", "client_id",
    "redirect_uri", "scope", "state", "nonce", "code_challenge",
    "code_challenge_method", "prompt", "max_age", "acr_values",
    "ui_locales", "login_hint", "response_mode", "request", "request_uri",
    "claims", "id_token_hint", "registration", NULL };

/* auth_params: "name=value" words; a name of [A-Za-z0-9_.-], not one of
 * ours, each once -- in any case, since some servers read the query
 * case-insensitively (ASP.NET). */
static int
auth_params_ok(const char *v, char *bad, size_t bl)
{
	const char	*p, *q, *e = v, *eq;
	size_t		 n = 0, m, i;

	if (!words_ok(v, "_.-=:/@,+%~", 512))
		return 0;
	while ((p = jo_word(&e, &m)) != NULL) {
		eq = memchr(p, '=', m);
		n = eq != NULL ? (size_t)(eq - p) : 0;
		if (n == 0 || eq + 1 == e || strcspn(p, "=:/@,+%~") < n)
			return 0;
		for (i = 0; own_params[i] != NULL; i++)
			if (strlen(own_params[i]) == n &&
			    strncasecmp(own_params[i], p, n) == 0)
				goto named;
		for (q = e; (q = strchr(q, ' ')) != NULL; )
			if (strncasecmp(++q, p, n + 1) == 0)
				goto named;
	}
	return 1;
named:
	snprintf(bad, bl, "%.*s", (int)n, p);
	return 0;
}

/* The authorization request's options. */
static void
finish_request(const char *name, struct jo_config *c, const int *seen,
    struct jo_problems *pr)
{
	char	 bad[64] = "";

	if (!seen[jo_key_index("max_age")])
		c->max_age = -1;
	if (c->prompt != NULL && !prompt_ok(c->prompt))
		jo_problem(pr, "%s: prompt: expected none, or login, consent, "
		    "select_account separated by blanks", name);
	if (c->acr_values != NULL && !words_ok(c->acr_values, NULL, 256))
		jo_problem(pr, "%s: acr_values: expected values separated by "
		    "blanks (printable ASCII, no quotes)", name);
	if (c->ui_locales != NULL && !words_ok(c->ui_locales, "-", 35))
		jo_problem(pr, "%s: ui_locales: expected language tags separated "
		    "by blanks (de-CH fr en)", name);
	if (c->auth_params != NULL && !auth_params_ok(c->auth_params, bad,
	    sizeof(bad)))
		jo_problem(pr, "%s: auth_params: %s%s", name, *bad ? bad : "",
		    *bad ? ": set by the adapter itself, or twice" :
		    "expected name=value separated by blanks (kc_idp_hint=corp "
		    "domain_hint=example.org)");
}

/* A rule of the moderator's shape: "none" unless its claim is set
 * ("claim" then); claim needs the claim and the values, and they go
 * with claim only. */
static void
rule_finish(const char *name, const char *key, struct jo_rule *r,
    struct jo_problems *pr)
{
	if (r->mode == NULL)
		r->mode = jo_xstrdup(r->claim != NULL ? "claim" : "none");
	if (strcmp(r->mode, "claim") == 0) {
		if (r->claim == NULL || r->values == NULL)
			jo_problem(pr, "%s: %s: \"claim\" needs %s_claim and "
			    "%s_values", name, key, key, key);
	} else if (r->claim != NULL || r->values != NULL)
		jo_problem(pr, "%s: %s_claim, %s_values: used only with %s = "
		    "claim (%s is \"%s\")", name, key, key, key, key, r->mode);
}

/* A comma-separated list of Jitsi's feature names into a set; -1 with
 * the first item that is not one in bad. */
static int
feature_set(const char *list, unsigned long *set, char *bad, size_t bl)
{
	const char	*p = list, *s;
	size_t		 i, n;

	*set = 0;
	while ((s = jo_list_next(&p, &n)) != NULL) {
		if (n == 0)
			continue;
		for (i = 0; jo_jitsi_features[i] != NULL; i++)
			if (strlen(jo_jitsi_features[i]) == n &&
			    strncmp(jo_jitsi_features[i], s, n) == 0)
				break;
		if (jo_jitsi_features[i] == NULL) {
			snprintf(bad, bl, "%.*s", (int)(n < 64 ? n : 64), s);
			return -1;
		}
		*set |= 1UL << i;
	}
	return 0;
}

void
jo_feature_names(unsigned long set, struct jo_buf *b)
{
	size_t	 i, start = b->len;

	for (i = 0; jo_jitsi_features[i] != NULL; i++)
		if (set & (1UL << i)) {
			if (b->len > start)
				jo_buf_adds(b, ", ");
			jo_buf_adds(b, jo_jitsi_features[i]);
		}
	if (b->len == start)
		jo_buf_adds(b, "-");
	jo_buf_add(b, "", 1);
}

/* context.features.  Once a token carries it, Jitsi turns off every
 * feature it does not set to true, moderators included: so each of
 * Jitsi's features must be named, granted or in features_off, and a
 * feature is never both. */
static void
features_finish(const char *name, struct jo_config *c, struct jo_problems *pr)
{
	unsigned long	 off = 0, full = 0, granted;
	struct {
		const char	*key, *v;
		unsigned long	*set;
	} l[] = {
		{ "features_all", c->features_all, &c->feat_all },
		{ "features_moderators", c->features_moderators, &c->feat_mod },
		{ "features_claimed", c->features_claimed, &c->feat_claimed },
		{ "features_off", c->features_off, &off },
	};
	struct jo_buf	 b = { 0 };
	char		 bad[80];
	size_t		 i;
	int		 others = 0;

	c->features = c->features_all != NULL || c->features_moderators !=
	    NULL || c->features_claimed != NULL || c->features_off != NULL ||
	    c->features_claim != NULL || c->features_values != NULL;
	if (!c->features)
		return;
	for (i = 0; jo_jitsi_features[i] != NULL; i++)
		full |= 1UL << i;
	for (i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		if (l[i].v == NULL)
			continue;
		if (l[i].set == &off && strcmp(l[i].v, "others") == 0)
			others = 1;
		else if (feature_set(l[i].v, l[i].set, bad, sizeof(bad)) == -1)
			jo_problem(pr, "%s: %s: \"%s\" is not one of Jitsi's "
			    "features (context.features)", name, l[i].key, bad);
	}
	if ((c->features_claimed != NULL) != (c->features_claim != NULL &&
	    c->features_values != NULL))
		jo_problem(pr, "%s: features_claimed, features_claim, "
		    "features_values: go together (the features of users whose "
		    "features_claim holds one of features_values)", name);
	granted = c->feat_all | c->feat_mod | c->feat_claimed;
	if (granted & off) {
		jo_feature_names(granted & off, &b);
		jo_problem(pr, "%s: features_off: %s also granted", name, b.p);
	} else if (!others && ((granted | off) & full) != full) {
		jo_feature_names(full & ~(granted | off), &b);
		jo_problem(pr, "%s: features: a token with context.features has "
		    "every feature it does not grant off, moderators included: "
		    "name each in features_all, features_moderators, "
		    "features_claimed or features_off (features_off = others "
		    "for the rest); not named: %s", name, b.p);
	}
	jo_buf_free(&b);
}

/* Defaults, and the checks between the keys of the access and token
 * rules. */
static void
finish_rules(const char *name, struct jo_config *c, const int *seen,
    struct jo_problems *pr)
{
	if (c->moderator == NULL)
		c->moderator = jo_xstrdup(c->moderator_claim != NULL ?
		    "claim" : "all");
	if (strcmp(c->moderator, "claim") == 0) {
		if (c->moderator_claim == NULL || c->moderator_values == NULL)
			jo_problem(pr, "%s: moderator: \"claim\" needs "
			    "moderator_claim and moderator_values", name);
	} else if (c->moderator_claim != NULL || c->moderator_values != NULL)
		jo_problem(pr, "%s: moderator_claim, moderator_values: used only "
		    "with moderator = claim (moderator is \"%s\")", name,
		    c->moderator);
	rule_finish(name, "lobby_bypass", &c->lobby_bypass, pr);
	rule_finish(name, "hidden_from_recorder", &c->hidden, pr);
	rule_finish(name, "visitor", &c->visitor, pr);
	features_finish(name, c, pr);
	dflt(&c->groups_claim, "groups");
	dflt(&c->email_claim, "email");
	dflt(&c->avatar, "picture");
	dflt(&c->userinfo, "auto");
	dflt(&c->room_claim, "room");
	dflt(&c->jitsi_signing, "HS256");
	dflt(&c->app_scheme_mobile, "org.jitsi.meet");
	dflt(&c->app_scheme_desktop, "jitsi-meet");
	dflt(&c->app_package_android, "org.jitsi.meet");
	dflt(&c->jitsi_token_in, "hash");
	if (!seen[jo_key_index("session_lifetime")])
		c->session_lifetime = 8 * 3600;
	if (!seen[jo_key_index("session_recheck")])
		c->session_recheck = 300;
	finish_request(name, c, seen, pr);
	if (!scheme_ok(c->app_scheme_mobile))
		jo_problem(pr, "%s: app_scheme_mobile: not a URL scheme", name);
	if (!scheme_ok(c->app_scheme_desktop))
		jo_problem(pr, "%s: app_scheme_desktop: not a URL scheme", name);
	if (!package_ok(c->app_package_android))
		jo_problem(pr, "%s: app_package_android: not an Android package "
		    "name (like org.jitsi.meet)", name);
	if (strcmp(c->jitsi_signing, "RS256") == 0) {
		if (c->jitsi_private_key == NULL || c->jitsi_kid == NULL)
			jo_problem(pr, "%s: jitsi_signing: RS256 needs "
			    "jitsi_private_key_file and jitsi_kid", name);
		else if (strstr(c->jitsi_private_key, "PRIVATE KEY-----") ==
		    NULL)
			jo_problem(pr, "%s: jitsi_private_key_file: not a PEM "
			    "private key", name);
	} else {
		if (c->jitsi_app_secret == NULL && !seen[jo_key_index(
		    "jitsi_app_secret_file")])
			jo_problem(pr, "%s: jitsi_app_secret: required key missing "
			    "(or jitsi_app_secret_file)", name);
		/* RFC 7518 3.2: an HS256 key at least as long as the hash.
		 * Every user receives a token signed with it: a short one
		 * is found offline, and then any token can be made. */
		else if (c->jitsi_app_secret != NULL &&
		    strlen(c->jitsi_app_secret) < JO_JITSI_SECRET_MIN)
			jo_problem(pr, "%s: jitsi_app_secret: %zu bytes, at least "
			    "%d are needed (every user gets a token signed with "
			    "it, and a short secret is guessed from one); make "
			    "one with `openssl rand -hex 32` and put the same "
			    "value into Prosody's app_secret (docker-jitsi-meet: "
			    "JWT_APP_SECRET)", name, strlen(c->jitsi_app_secret),
			    JO_JITSI_SECRET_MIN);
		if (c->jitsi_private_key != NULL || c->jitsi_kid != NULL)
			jo_problem(pr, "%s: jitsi_private_key_file, jitsi_kid: "
			    "used only with jitsi_signing = RS256", name);
	}
}

/* A PEM private key, unencrypted: read here by its armour only (OpenSSL
 * is not loaded to read a configuration); --check-config and the first
 * use parse it. */
static const char *
pem_key_problem(const char *pem)
{
	if (strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL ||
	    strstr(pem, "Proc-Type: 4,ENCRYPTED") != NULL)
		return "an encrypted key (it is read without a passphrase: "
		    "`openssl pkey -in old.pem -out new.pem` decrypts it)";
	if (strstr(pem, "-----BEGIN PRIVATE KEY-----") == NULL &&
	    strstr(pem, "-----BEGIN RSA PRIVATE KEY-----") == NULL &&
	    strstr(pem, "-----BEGIN EC PRIVATE KEY-----") == NULL)
		return "not a PEM private key (-----BEGIN PRIVATE KEY-----)";
	return NULL;
}

/* How the adapter authenticates at the token endpoint (Core 9): what
 * each method needs; "auto" chooses per request from what is given and
 * what discovery lists (proto.c). */
static void
finish_client(const char *name, struct jo_config *c, struct jo_problems *pr)
{
	const char	*a, *why;

	dflt(&c->client_auth, "auto");
	a = c->client_auth;
	if ((strcmp(a, "client_secret_basic") == 0 ||
	    strcmp(a, "client_secret_post") == 0) && c->client_secret == NULL)
		jo_problem(pr, "%s: client_auth: %s needs client_secret (or "
		    "client_secret_file)", name, a);
	if (strcmp(a, "private_key_jwt") == 0 && c->client_key == NULL)
		jo_problem(pr, "%s: client_auth: private_key_jwt needs "
		    "client_key_file", name);
	if (strcmp(a, "none") == 0 && (c->client_secret != NULL ||
	    c->client_key != NULL))
		jo_problem(pr, "%s: client_auth: none is a public client, which "
		    "has no %s; remove it", name, c->client_secret != NULL ?
		    "client_secret" : "client_key_file");
	if (c->client_key != NULL && (why = pem_key_problem(c->client_key)))
		jo_problem(pr, "%s: client_key_file: %s", name, why);
	if (c->client_kid != NULL && c->client_key == NULL)
		jo_problem(pr, "%s: client_kid: used only with client_key_file",
		    name);
}

/* An outbound proxy: http, https or socks5(h), a host, and no
 * credentials (they would be a secret in a URL that libcurl's messages
 * may show). */
static const char *
proxy_problem(const char *v)
{
	const char *const schemes[] = { "http://", "https://", "socks5://",
	    "socks5h://" };
	const char	*h = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(v, schemes[i], strlen(schemes[i])) == 0)
			h = v + strlen(schemes[i]);
	if (h == NULL)
		return "expected http://, https://, socks5:// or socks5h:// "
		    "and a host";
	if (strchr(h, '@') != NULL)
		return "a user or password in the proxy URL is not supported";
	if (*h == '\0' || *h == '/' || *h == ':' || strpbrk(h, " \t?#") != NULL)
		return "expected a host (and a port) after the scheme";
	return NULL;
}

/* The outbound network (http.c): a CA bundle that opens (without
 * blocking: it may be a FIFO) as a regular file; a proxy URL. */
static void
finish_network(const char *name, struct jo_config *c, struct jo_problems *pr)
{
	struct stat	 st;
	const char	*why;
	int		 fd;

	if (c->ca_file != NULL) {
		if ((fd = open(c->ca_file, O_RDONLY | O_NONBLOCK |
		    O_CLOEXEC)) == -1)
			jo_problem(pr, "%s: ca_file: cannot open \"%s\": %s", name,
			    c->ca_file, strerror(errno));
		else {
			if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
				jo_problem(pr, "%s: ca_file: \"%s\" is not a "
				    "regular file", name, c->ca_file);
			close(fd);
		}
	}
	if (c->proxy != NULL && (why = proxy_problem(c->proxy)) != NULL)
		jo_problem(pr, "%s: proxy: %s", name, why);
}

/* The secrets must not be placeholders: the example's values are public,
 * and a known cookie_secret lets anyone seal a session that /tokenize
 * turns into a Jitsi token for any user and room. */
static void
secrets_check(const char *name, const struct jo_config *c, const int *seen,
    struct jo_problems *pr)
{
	const struct {
		const char	*key;
		const char	*v;
		int		 ours;
	} s[] = {
		{ "client_secret", c->client_secret, 0 },
		{ "cookie_secret", c->cookie_secret, 1 },
		{ "cookie_secret_old", c->cookie_secret_old, 1 },
		{ "jitsi_app_secret", c->jitsi_app_secret, 1 },
	};
	const char	*why;
	char		 file[64];
	size_t		 i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i].v == NULL ||
		    (why = jo_secret_weak(s[i].v, s[i].ours)) == NULL)
			continue;
		snprintf(file, sizeof(file), "%s_file", s[i].key);
		jo_problem(pr, "%s: %s: %s; %s", name,
		    seen[jo_key_index(file)] ? file : s[i].key, why, s[i].ours ?
		    "make one with: openssl rand -base64 48" :
		    "use the secret the provider issued for this client");
	}
}

void
jo_config_rules(const char *name, struct jo_config *c, const int *seen,
    struct jo_problems *pr)
{
	secrets_check(name, c, seen, pr);
	if (c->cookie_secret != NULL) {
		c->cookie_secret_len = strlen(c->cookie_secret);
		if (c->cookie_secret_len < 32)
			jo_problem(pr, "%s: cookie_secret: must be at least 32 "
			    "bytes, got %zu", name, c->cookie_secret_len);
	}
	if (c->cookie_secret_old != NULL) {
		c->cookie_secret_old_len = strlen(c->cookie_secret_old);
		if (c->cookie_secret_old_len < 32)
			jo_problem(pr, "%s: cookie_secret_old: must be at least 32 "
			    "bytes, got %zu", name, c->cookie_secret_old_len);
	}
	finish_rules(name, c, seen, pr);
	finish_client(name, c, pr);
	finish_network(name, c, pr);
}
