/* config.c -- parse and validate the configuration file.
 *
 * Format: "key = value" per line; a line whose first non-blank
 * character is '#' is a comment; blank lines are ignored; whitespace
 * around key and value is trimmed.  Unknown keys, duplicates, lines
 * without '=', invalid values and missing required keys are errors that
 * name file:line and the key.  A "<key>_file" variant of a secret reads
 * the secret from a file (trailing newline stripped). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "config_keys.h"
#include "secret.h"
#include "url.h"
#include "util.h"

#define CONFIG_MAX	(64 * 1024)

/* In MEET_FEATURES' order; at most the bits of an unsigned long. */
const char *const jo_jitsi_features[] = {
	"branding", "calendar", "create-polls", "file-upload", "flip",
	"inbound-call", "livestreaming", "live-translation", "lobby",
	"moderation", "outbound-call", "recording", "room", "screen-sharing",
	"send-groupchat", "send-private-message", "list-visitors",
	"sip-inbound-call", "sip-outbound-call", "transcription", NULL
};

static void
trim(char **s, char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' ||
	    (*e)[-1] == '\r'))
		(*e)--;
}

/* Strip a trailing slash so that issuer + "/.well-known/..." and
 * public_url + "/redirect" are well formed. */
static void
strip_slash(char *s)
{
	size_t	 n = strlen(s);

	if (n > 0 && s[n - 1] == '/')
		s[n - 1] = '\0';
}

/* Drop a default port (https :443, http :80): the URLs built from
 * jitsi_url and public_url are compared as text, and the browser never
 * sends a default port in an origin. */
static void
strip_default_port(char *s)
{
	const char	*port = strncmp(s, "https://", 8) == 0 ? ":443" : ":80";
	char		*h = strstr(s, "://"), *p;
	size_t		 n = strlen(port);

	if (h == NULL)
		return;
	h += 3;
	p = h + strcspn(h, "/?#");
	if ((size_t)(p - h) > n && strncmp(p - n, port, n) == 0 &&
	    *(p - n - 1) != ':')
		memmove(p - n, p, strlen(p) + 1);
}

/* Problems are collected, one per line, so that --check-config can list
 * them all; the program refuses to run with any. */
struct problems {
	struct jo_buf	 b;
	size_t		 n;
};

static void	problem(struct problems *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
problem(struct problems *p, const char *fmt, ...)
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
	const char	*p = v, *e;
	size_t		 n, words = 0;
	int		 none = 0;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		n = (size_t)(e - p);
		if (n == 4 && strncmp(p, "none", 4) == 0)
			none = 1;
		else if (!((n == 5 && strncmp(p, "login", 5) == 0) ||
		    (n == 7 && strncmp(p, "consent", 7) == 0) ||
		    (n == 14 && strncmp(p, "select_account", 14) == 0)))
			return 0;
		words++;
		p = e;
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
	const char	*p, *q, *e, *eq;
	size_t		 n = 0, i;

	if (!words_ok(v, "_.-=:/@,+%~", 512))
		return 0;
	for (p = v; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = p + strcspn(p, " ");
		eq = memchr(p, '=', (size_t)(e - p));
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
    struct problems *pr)
{
	char	 bad[64] = "";

	if (!seen[jo_key_index("max_age")])
		c->max_age = -1;
	if (c->prompt != NULL && !prompt_ok(c->prompt))
		problem(pr, "%s: prompt: expected none, or login, consent, "
		    "select_account separated by blanks", name);
	if (c->acr_values != NULL && !words_ok(c->acr_values, NULL, 256))
		problem(pr, "%s: acr_values: expected values separated by "
		    "blanks (printable ASCII, no quotes)", name);
	if (c->ui_locales != NULL && !words_ok(c->ui_locales, "-", 35))
		problem(pr, "%s: ui_locales: expected language tags separated "
		    "by blanks (de-CH fr en)", name);
	if (c->auth_params != NULL && !auth_params_ok(c->auth_params, bad,
	    sizeof(bad)))
		problem(pr, "%s: auth_params: %s%s", name, *bad ? bad : "",
		    *bad ? ": set by the adapter itself, or twice" :
		    "expected name=value separated by blanks (kc_idp_hint=corp "
		    "domain_hint=example.org)");
}

/* A rule of the moderator's shape: "none" unless its claim is set
 * ("claim" then); claim needs the claim and the values, and they go
 * with claim only. */
static void
rule_finish(const char *name, const char *key, struct jo_rule *r,
    struct problems *pr)
{
	if (r->mode == NULL)
		r->mode = jo_xstrdup(r->claim != NULL ? "claim" : "none");
	if (strcmp(r->mode, "claim") == 0) {
		if (r->claim == NULL || r->values == NULL)
			problem(pr, "%s: %s: \"claim\" needs %s_claim and "
			    "%s_values", name, key, key, key);
	} else if (r->claim != NULL || r->values != NULL)
		problem(pr, "%s: %s_claim, %s_values: used only with %s = "
		    "claim (%s is \"%s\")", name, key, key, key, key, r->mode);
}

/* A comma-separated list of Jitsi's feature names into a set; -1 with
 * the first item that is not one in bad. */
static int
feature_set(const char *list, unsigned long *set, char *bad, size_t bl)
{
	const char	*p = list, *s, *e;
	size_t		 i, n;

	*set = 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		for (s = p; *p != '\0' && *p != ','; p++)
			;
		for (e = p; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if ((n = (size_t)(e - s)) == 0)
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
features_finish(const char *name, struct jo_config *c, struct problems *pr)
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
			problem(pr, "%s: %s: \"%s\" is not one of Jitsi's "
			    "features (context.features)", name, l[i].key, bad);
	}
	if ((c->features_claimed != NULL) != (c->features_claim != NULL &&
	    c->features_values != NULL))
		problem(pr, "%s: features_claimed, features_claim, "
		    "features_values: go together (the features of users whose "
		    "features_claim holds one of features_values)", name);
	granted = c->feat_all | c->feat_mod | c->feat_claimed;
	if (granted & off) {
		jo_feature_names(granted & off, &b);
		problem(pr, "%s: features_off: %s also granted", name, b.p);
	} else if (!others && ((granted | off) & full) != full) {
		jo_feature_names(full & ~(granted | off), &b);
		problem(pr, "%s: features: a token with context.features has "
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
    struct problems *pr)
{
	if (c->moderator == NULL)
		c->moderator = jo_xstrdup(c->moderator_claim != NULL ?
		    "claim" : "all");
	if (strcmp(c->moderator, "claim") == 0) {
		if (c->moderator_claim == NULL || c->moderator_values == NULL)
			problem(pr, "%s: moderator: \"claim\" needs "
			    "moderator_claim and moderator_values", name);
	} else if (c->moderator_claim != NULL || c->moderator_values != NULL)
		problem(pr, "%s: moderator_claim, moderator_values: used only "
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
	finish_request(name, c, seen, pr);
	if (!scheme_ok(c->app_scheme_mobile))
		problem(pr, "%s: app_scheme_mobile: not a URL scheme", name);
	if (!scheme_ok(c->app_scheme_desktop))
		problem(pr, "%s: app_scheme_desktop: not a URL scheme", name);
	if (!package_ok(c->app_package_android))
		problem(pr, "%s: app_package_android: not an Android package "
		    "name (like org.jitsi.meet)", name);
	if (strcmp(c->jitsi_signing, "RS256") == 0) {
		if (c->jitsi_private_key == NULL || c->jitsi_kid == NULL)
			problem(pr, "%s: jitsi_signing: RS256 needs "
			    "jitsi_private_key_file and jitsi_kid", name);
		else if (strstr(c->jitsi_private_key, "PRIVATE KEY-----") ==
		    NULL)
			problem(pr, "%s: jitsi_private_key_file: not a PEM "
			    "private key", name);
	} else {
		if (c->jitsi_app_secret == NULL && !seen[jo_key_index(
		    "jitsi_app_secret_file")])
			problem(pr, "%s: jitsi_app_secret: required key missing "
			    "(or jitsi_app_secret_file)", name);
		/* RFC 7518 3.2: an HS256 key at least as long as the hash.
		 * Every user receives a token signed with it: a short one
		 * is found offline, and then any token can be made. */
		else if (c->jitsi_app_secret != NULL &&
		    strlen(c->jitsi_app_secret) < JO_JITSI_SECRET_MIN)
			problem(pr, "%s: jitsi_app_secret: %zu bytes, at least "
			    "%d are needed (every user gets a token signed with "
			    "it, and a short secret is guessed from one); make "
			    "one with `openssl rand -hex 32` and put the same "
			    "value into Prosody's app_secret (docker-jitsi-meet: "
			    "JWT_APP_SECRET)", name, strlen(c->jitsi_app_secret),
			    JO_JITSI_SECRET_MIN);
		if (c->jitsi_private_key != NULL || c->jitsi_kid != NULL)
			problem(pr, "%s: jitsi_private_key_file, jitsi_kid: "
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
finish_client(const char *name, struct jo_config *c, struct problems *pr)
{
	const char	*a, *why;

	dflt(&c->client_auth, "auto");
	a = c->client_auth;
	if ((strcmp(a, "client_secret_basic") == 0 ||
	    strcmp(a, "client_secret_post") == 0) && c->client_secret == NULL)
		problem(pr, "%s: client_auth: %s needs client_secret (or "
		    "client_secret_file)", name, a);
	if (strcmp(a, "private_key_jwt") == 0 && c->client_key == NULL)
		problem(pr, "%s: client_auth: private_key_jwt needs "
		    "client_key_file", name);
	if (strcmp(a, "none") == 0 && (c->client_secret != NULL ||
	    c->client_key != NULL))
		problem(pr, "%s: client_auth: none is a public client, which "
		    "has no %s; remove it", name, c->client_secret != NULL ?
		    "client_secret" : "client_key_file");
	if (c->client_key != NULL && (why = pem_key_problem(c->client_key)))
		problem(pr, "%s: client_key_file: %s", name, why);
	if (c->client_kid != NULL && c->client_key == NULL)
		problem(pr, "%s: client_kid: used only with client_key_file",
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
finish_network(const char *name, struct jo_config *c, struct problems *pr)
{
	struct stat	 st;
	const char	*why;
	int		 fd;

	if (c->ca_file != NULL) {
		if ((fd = open(c->ca_file, O_RDONLY | O_NONBLOCK |
		    O_CLOEXEC)) == -1)
			problem(pr, "%s: ca_file: cannot open \"%s\": %s", name,
			    c->ca_file, strerror(errno));
		else {
			if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
				problem(pr, "%s: ca_file: \"%s\" is not a "
				    "regular file", name, c->ca_file);
			close(fd);
		}
	}
	if (c->proxy != NULL && (why = proxy_problem(c->proxy)) != NULL)
		problem(pr, "%s: proxy: %s", name, why);
}

/* The secrets must not be placeholders: the example's values are public,
 * and a known cookie_secret lets anyone seal a session that /tokenize
 * turns into a Jitsi token for any user and room. */
static void
secrets_check(const char *name, const struct jo_config *c, const int *seen,
    struct problems *pr)
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
		problem(pr, "%s: %s: %s; %s", name,
		    seen[jo_key_index(file)] ? file : s[i].key, why, s[i].ours ?
		    "make one with: openssl rand -base64 48" :
		    "use the secret the provider issued for this client");
	}
}

static void
config_print(const struct jo_config *c, char out[33])
{
	const char *const v[] = { c->issuer, c->client_id, c->jitsi_app_id,
	    c->jitsi_audience, c->moderator, c->moderator_claim,
	    c->moderator_values, c->allowed_email_domains, c->allowed_groups,
	    c->allowed_tenants, c->acr_values,
	    c->groups_claim, c->require_email_verified ? "1" : "0",
	    c->name_claim, c->email_claim, c->avatar, c->group_claim,
	    c->userinfo };
	/* the token rules, added only when one is set: a
	 * configuration without them keeps its sessions across the
	 * upgrade */
	const char *const w[] = { "token rules", c->lobby_bypass.mode,
	    c->lobby_bypass.claim, c->lobby_bypass.values, c->hidden.mode,
	    c->hidden.claim, c->hidden.values, c->visitor.mode,
	    c->visitor.claim, c->visitor.values, c->features_all,
	    c->features_moderators, c->features_claimed, c->features_claim,
	    c->features_values, c->features_off };
	struct jo_buf	 b = { 0 };
	char		*hex;
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		jo_buf_adds(&b, v[i] != NULL ? v[i] : "");
		jo_buf_add(&b, "", 1);	/* a NUL between fields */
	}
	/* max_age bounds how old a login may be: a session sealed under
	 * none, or a longer one, must not outlive it; added only when
	 * set, like the token rules */
	if (c->max_age >= 0) {
		jo_buf_addf(&b, "max_age %ld", c->max_age);
		jo_buf_add(&b, "", 1);
	}
	if (strcmp(c->lobby_bypass.mode, "none") != 0 ||
	    strcmp(c->hidden.mode, "none") != 0 ||
	    strcmp(c->visitor.mode, "none") != 0 || c->features)
		for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
			jo_buf_adds(&b, w[i] != NULL ? w[i] : "");
			jo_buf_add(&b, "", 1);
		}
	hex = jo_sha256_hex(b.p, b.len);
	memcpy(out, hex, 32);
	out[32] = '\0';
	free(hex);
	jo_buf_free(&b);
}

static void
finish(const char *name, struct jo_config *c, const int *seen,
    struct problems *pr)
{
	size_t	 i, j;
	char	*host;

	for (i = 0; i < jo_nkeys; i++) {
		if (!jo_keys[i].required || seen[i])
			continue;
		if (jo_keys[i].other != NULL) {
			if ((j = jo_key_index(jo_keys[i].other)) < jo_nkeys && seen[j])
				continue;
			problem(pr, "%s: %s: required key missing (or %s)",
			    name, jo_keys[i].name, jo_keys[i].other);
		} else
			problem(pr, "%s: %s: required key missing", name,
			    jo_keys[i].name);
	}
	secrets_check(name, c, seen, pr);
	if (c->cookie_secret != NULL) {
		c->cookie_secret_len = strlen(c->cookie_secret);
		if (c->cookie_secret_len < 32)
			problem(pr, "%s: cookie_secret: must be at least 32 "
			    "bytes, got %zu", name, c->cookie_secret_len);
	}
	if (c->cookie_secret_old != NULL) {
		c->cookie_secret_old_len = strlen(c->cookie_secret_old);
		if (c->cookie_secret_old_len < 32)
			problem(pr, "%s: cookie_secret_old: must be at least 32 "
			    "bytes, got %zu", name, c->cookie_secret_old_len);
	}
	finish_rules(name, c, seen, pr);
	finish_client(name, c, pr);
	finish_network(name, c, pr);
	if (c->scope == NULL)
		c->scope = jo_xstrdup("openid profile email");
	else if (strncmp(c->scope, "openid", 6) != 0 &&
	    strstr(c->scope, " openid") == NULL)
		problem(pr, "%s: scope: must contain \"openid\"", name);
	if (pr->n > 0)
		return;
	strip_slash(c->public_url);
	strip_slash(c->jitsi_url);
	if (c->backchannel_url != NULL)
		strip_slash(c->backchannel_url);
	strip_default_port(c->public_url);
	strip_default_port(c->jitsi_url);
	if (c->jitsi_audience == NULL)
		c->jitsi_audience = jo_xstrdup("jitsi");
	if (c->jitsi_subject == NULL) {
		if ((host = jo_url_host(c->jitsi_url)) == NULL) {
			problem(pr, "%s: jitsi_url: no host", name);
			return;
		}
		c->jitsi_subject = host;
	}
	if (c->token_lifetime == 0)
		c->token_lifetime = 3600;
	if (c->http_timeout == 0)
		c->http_timeout = 10;
	if (c->cache_dir == NULL)
		c->cache_dir = jo_xstrdup("/var/cache/jitsi-oidc");
	/* the start page, as providers register it (exact match): with
	 * its slash */
	if (c->post_logout_redirect_uri == NULL)
		c->post_logout_redirect_uri = jo_xasprintf("%s/",
		    c->jitsi_url);
	c->redirect_uri = jo_xasprintf("%s/redirect", c->public_url);
	if ((c->jitsi_origin = jo_url_origin(c->jitsi_url)) == NULL)
		problem(pr, "%s: jitsi_url: no origin", name);
	c->cookie_path = jo_url_path(c->public_url);
	config_print(c, c->print);
	c->cookie_secure = strncmp(c->public_url, "https://", 8) == 0;
	if (c->cookie_path == NULL)
		problem(pr, "%s: public_url: no path", name);
}

/* An unknown key is named only when it looks like one: with the '='
 * forgotten ("client_secret S3cr3t=="), or a base64 secret pasted on a
 * line of its own, the "key" holds a secret.  Only the first word, and
 * only when it is made of a key's characters. */
static void
unknown_key(struct problems *pr, const char *name, size_t lineno,
    const char *k)
{
	size_t	 w = strcspn(k, " \t"), i;

	for (i = 0; i < w; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_'))
			break;
	if (i < w || w > 64) {
		problem(pr, "%s:%zu: not a \"key = value\" line (not shown: "
		    "it may hold a secret)", name, lineno);
		return;
	}
	problem(pr, "%s:%zu: %.*s: unknown key%s", name, lineno, (int)w, k,
	    k[w] != '\0' ? " (a key is one word: is the '=' missing after "
	    "it?)" : "");
}

int
jo_config_parse(const char *name, const char *text, size_t len,
    struct jo_config *c, char *why, size_t whylen)
{
	struct problems	 pr = { { 0 }, 0 };
	int		 seen[JO_KEYS_MAX] = { 0 };
	const char	*p = text, *end = text + len, *nl;
	char		*line = NULL, *s, *e, *eq, *k, *v;
	char		 sub[512];
	size_t		 i, j, lineno = 0;

	memset(c, 0, sizeof(*c));
	if (memchr(text, '\0', len) != NULL) {
		problem(&pr, "%s: contains a NUL byte", name);
		goto out;
	}
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		free(line);
		line = jo_xstrndup(p, (size_t)(nl - p));
		p = nl + 1;
		s = line;
		e = line + strlen(line);
		trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL) {
			*e = '\0';
			/* the line is not echoed: it may hold a secret */
			problem(&pr, "%s:%zu: line without '='", name, lineno);
			continue;
		}
		k = s;
		v = eq + 1;
		{
			char *ke = eq, *ve = e;
			trim(&k, &ke);
			trim(&v, &ve);
			*ke = '\0';
			*ve = '\0';
		}
		if ((i = jo_key_index(k)) == jo_nkeys) {
			unknown_key(&pr, name, lineno, k);
			continue;
		}
		if (seen[i]) {
			problem(&pr, "%s:%zu: %s: duplicate key", name, lineno,
			    k);
			continue;
		}
		seen[i] = 1;
		if (jo_keys[i].other != NULL &&
		    (j = jo_key_index(jo_keys[i].other)) < jo_nkeys && seen[j]) {
			problem(&pr, "%s:%zu: %s: conflicts with %s given "
			    "before", name, lineno, k, jo_keys[i].other);
			continue;
		}
		if (jo_key_set(c, &jo_keys[i], v, sub, sizeof(sub)) == -1)
			problem(&pr, "%s:%zu: %s: %s", name, lineno, k, sub);
	}
	free(line);
	finish(name, c, seen, &pr);
out:
	if (pr.n == 0) {
		jo_buf_free(&pr.b);
		return 0;
	}
	jo_why(why, whylen, "%s", pr.b.p);
	jo_buf_free(&pr.b);
	jo_config_free(c);
	return -1;
}

int
jo_config_load(const char *path, struct jo_config *c, char *why,
    size_t whylen)
{
	struct jo_buf	 b = { 0 };
	struct stat	 st;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd, rc;

	memset(c, 0, sizeof(*c));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		jo_why(why, whylen, "%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		memset(&st, 0, sizeof(st));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			jo_why(why, whylen, "%s: cannot read: %s", path,
			    strerror(errno));
			close(fd);
			jo_buf_free(&b);
			return -1;
		}
		jo_buf_add(&b, chunk, (size_t)n);
		if (b.len > CONFIG_MAX) {
			jo_why(why, whylen, "%s: larger than %d bytes", path,
			    CONFIG_MAX);
			close(fd);
			jo_buf_free(&b);
			return -1;
		}
	}
	close(fd);
	rc = jo_config_parse(path, b.p ? b.p : "", b.len, c, why, whylen);
	if (rc == 0)
		c->st = st;
	jo_buf_free(&b);
	return rc;
}

void
jo_config_free(struct jo_config *c)
{
	jo_config_keys_free(c);
	free(c->redirect_uri);		/* derived by finish() */
	free(c->cookie_path);
	free(c->jitsi_origin);
	while (c->nfiles > 0)
		free(c->files[--c->nfiles]);
	memset(c, 0, sizeof(*c));
}

/* The file: a request parameter JITSI_OIDC_CONFIG (the web server's
 * configuration names it), else the process environment's, else the
 * built-in default.  process_first (FastCGI): the process's own, set by
 * whoever started it (the systemd unit points it at its credential, a
 * copy only the service's user can read), wins over a request
 * parameter; a parameter chooses only for a process started without
 * one (one process serving several sites). */
const char *
jo_config_path(char **envp, int process_first)
{
	const char	*p = process_first ? getenv("JITSI_OIDC_CONFIG") : NULL;

	if (p == NULL || *p == '\0')
		p = jo_env_get(envp, "JITSI_OIDC_CONFIG");
	if (p == NULL || *p == '\0')
		p = getenv("JITSI_OIDC_CONFIG");
	return p != NULL && *p != '\0' ? p : JO_DEFAULT_CONFIG;
}
