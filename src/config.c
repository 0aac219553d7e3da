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
#include "secret.h"
#include "url.h"
#include "util.h"

#define CONFIG_MAX	(64 * 1024)

enum kind { K_STR, K_URL, K_SECRET, K_SECRET_FILE, K_SECONDS, K_ENUM,
    K_BOOL, K_COUNT };

struct key {
	const char	*name;
	enum kind	 kind;
	int		 required;
	size_t		 off;		/* offset of the char * or long */
	long		 min, max;	/* K_SECONDS */
	const char	*other;		/* the _file twin of a secret */
	const char	*choices;	/* K_ENUM: "a|b|c" */
};

#define OFF(f)	offsetof(struct jo_config, f)

static const struct key keys[] = {
	{ "issuer", K_URL, 1, OFF(issuer), 0, 0, NULL, NULL },
	{ "client_id", K_STR, 1, OFF(client_id), 0, 0, NULL, NULL },
	{ "client_secret", K_SECRET, 1, OFF(client_secret), 0, 0,
	    "client_secret_file", NULL },
	{ "client_secret_file", K_SECRET_FILE, 0, OFF(client_secret), 0, 0,
	    "client_secret", NULL },
	{ "public_url", K_URL, 1, OFF(public_url), 0, 0, NULL, NULL },
	{ "scope", K_STR, 0, OFF(scope), 0, 0, NULL, NULL },
	{ "jitsi_url", K_URL, 1, OFF(jitsi_url), 0, 0, NULL, NULL },
	{ "jitsi_app_id", K_STR, 1, OFF(jitsi_app_id), 0, 0, NULL, NULL },
	{ "jitsi_app_secret", K_SECRET, 0, OFF(jitsi_app_secret), 0, 0,
	    "jitsi_app_secret_file", NULL },
	{ "jitsi_app_secret_file", K_SECRET_FILE, 0, OFF(jitsi_app_secret),
	    0, 0, "jitsi_app_secret", NULL },
	{ "jitsi_audience", K_STR, 0, OFF(jitsi_audience), 0, 0, NULL, NULL },
	{ "jitsi_subject", K_STR, 0, OFF(jitsi_subject), 0, 0, NULL, NULL },
	{ "token_lifetime", K_SECONDS, 0, OFF(token_lifetime), 300,
	    7 * 86400, NULL, NULL },
	{ "cookie_secret", K_SECRET, 1, OFF(cookie_secret), 0, 0,
	    "cookie_secret_file", NULL },
	{ "cookie_secret_file", K_SECRET_FILE, 0, OFF(cookie_secret), 0, 0,
	    "cookie_secret", NULL },
	{ "cache_dir", K_STR, 0, OFF(cache_dir), 0, 0, NULL, NULL },
	{ "http_timeout", K_SECONDS, 0, OFF(http_timeout), 1, 300, NULL, NULL },
	{ "cookie_secret_old", K_SECRET, 0, OFF(cookie_secret_old), 0, 0,
	    "cookie_secret_old_file", NULL },
	{ "cookie_secret_old_file", K_SECRET_FILE, 0, OFF(cookie_secret_old),
	    0, 0, "cookie_secret_old", NULL },
	{ "moderator", K_ENUM, 0, OFF(moderator), 0, 0, NULL,
	    "all|none|claim" },
	{ "moderator_claim", K_STR, 0, OFF(moderator_claim), 0, 0, NULL, NULL },
	{ "moderator_values", K_STR, 0, OFF(moderator_values), 0, 0, NULL, NULL },
	{ "allowed_email_domains", K_STR, 0, OFF(allowed_email_domains), 0, 0,
	    NULL, NULL },
	{ "allowed_groups", K_STR, 0, OFF(allowed_groups), 0, 0, NULL, NULL },
	{ "groups_claim", K_STR, 0, OFF(groups_claim), 0, 0, NULL, NULL },
	{ "require_email_verified", K_BOOL, 0, OFF(require_email_verified),
	    0, 0, NULL, NULL },
	{ "guests", K_BOOL, 0, OFF(guests), 0, 0, NULL, NULL },
	{ "name_claim", K_STR, 0, OFF(name_claim), 0, 0, NULL, NULL },
	{ "email_claim", K_STR, 0, OFF(email_claim), 0, 0, NULL, NULL },
	{ "avatar", K_ENUM, 0, OFF(avatar), 0, 0, NULL,
	    "picture|gravatar|none" },
	{ "group_claim", K_STR, 0, OFF(group_claim), 0, 0, NULL, NULL },
	{ "userinfo", K_ENUM, 0, OFF(userinfo), 0, 0, NULL,
	    "auto|always|never" },
	{ "room_claim", K_ENUM, 0, OFF(room_claim), 0, 0, NULL, "room|*" },
	{ "session_lifetime", K_SECONDS, 0, OFF(session_lifetime), 0,
	    30 * 86400, NULL, NULL },
	{ "prompt", K_STR, 0, OFF(prompt), 0, 0, NULL, NULL },
	{ "post_logout_redirect_uri", K_URL, 0, OFF(post_logout_redirect_uri),
	    0, 0, NULL, NULL },
	{ "jitsi_signing", K_ENUM, 0, OFF(jitsi_signing), 0, 0, NULL,
	    "HS256|RS256" },
	{ "jitsi_private_key_file", K_SECRET_FILE, 0, OFF(jitsi_private_key),
	    0, 0, NULL, NULL },
	{ "jitsi_kid", K_STR, 0, OFF(jitsi_kid), 0, 0, NULL, NULL },
	{ "app_scheme_mobile", K_STR, 0, OFF(app_scheme_mobile), 0, 0, NULL, NULL },
	{ "max_requests", K_COUNT, 0, OFF(max_requests), 0, 1000000000, NULL,
	    NULL },
	{ "app_scheme_desktop", K_STR, 0, OFF(app_scheme_desktop), 0, 0,
	    NULL, NULL },
	{ "app_package_android", K_STR, 0, OFF(app_package_android), 0, 0,
	    NULL, NULL },
	{ "jitsi_token_in", K_ENUM, 0, OFF(jitsi_token_in), 0, 0, NULL,
	    "hash|query" },
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static char **
strp(struct jo_config *c, const struct key *k)
{
	return (char **)(void *)((char *)c + k->off);
}

static long *
longp(struct jo_config *c, const struct key *k)
{
	return (long *)(void *)((char *)c + k->off);
}

static int *
intp(struct jo_config *c, const struct key *k)
{
	return (int *)(void *)((char *)c + k->off);
}

/* Is v one of the '|'-separated choices? */
static int
choice_ok(const char *choices, const char *v)
{
	const char	*p = choices, *e;
	size_t		 n = strlen(v);

	for (;;) {
		e = strchr(p, '|');
		if ((size_t)((e ? e : p + strlen(p)) - p) == n &&
		    strncmp(p, v, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

int
jo_list_has(const char *list, const char *value, int icase)
{
	const char	*p = list, *e, *s;
	size_t		 n = strlen(value);

	if (list == NULL || n == 0)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		s = p;
		while (*p != '\0' && *p != ',')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - s) == n && (icase ? strncasecmp(s, value, n) :
		    strncmp(s, value, n)) == 0)
			return 1;
	}
	return 0;
}

static int
parse_seconds(const char *v, long min, long max, long *out)
{
	char	*end;
	long	 n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
set_key(struct jo_config *c, const struct key *k, const char *v,
    char *why, size_t whylen)
{
	struct stat	 fst;
	char		 sub[512];

	switch (k->kind) {
	case K_URL:
		if (jo_url_ok(v, sub, sizeof(sub)) == -1) {
			jo_why(why, whylen, "%s", sub);
			return -1;
		}
		if (strchr(v, '?') != NULL || strchr(v, '#') != NULL) {
			jo_why(why, whylen, "URL must not have a query or "
			    "fragment");
			return -1;
		}
		*strp(c, k) = jo_xstrdup(v);
		break;
	case K_STR:
	case K_SECRET:
		if (*v == '\0') {
			jo_why(why, whylen, "empty value");
			return -1;
		}
		if (jo_has_ctl(v, strlen(v))) {
			jo_why(why, whylen, "control character in value");
			return -1;
		}
		*strp(c, k) = jo_xstrdup(v);
		break;
	case K_SECRET_FILE:
		if (jo_secret_read(v, strp(c, k), &fst, sub,
		    sizeof(sub)) == -1) {
			jo_why(why, whylen, "%s", sub);
			return -1;
		}
		/* a long-lived process watches these files too */
		if (c->nfiles < sizeof(c->files) / sizeof(c->files[0])) {
			c->files_st[c->nfiles] = fst;
			c->files[c->nfiles++] = jo_xstrdup(v);
		}
		break;
	case K_ENUM:
		if (!choice_ok(k->choices, v)) {
			jo_why(why, whylen, "expected one of %s, got \"%.64s\"",
			    k->choices, v);
			return -1;
		}
		*strp(c, k) = jo_xstrdup(v);
		break;
	case K_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0)
			*intp(c, k) = 1;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		    strcmp(v, "0") == 0)
			*intp(c, k) = 0;
		else {
			jo_why(why, whylen, "expected yes or no, got \"%.64s\"",
			    v);
			return -1;
		}
		break;
	case K_COUNT:
		if (parse_seconds(v, k->min, k->max, longp(c, k)) == -1) {
			jo_why(why, whylen, "expected a whole number from %ld "
			    "to %ld, got \"%.64s\"", k->min, k->max, v);
			return -1;
		}
		break;
	case K_SECONDS:
		if (parse_seconds(v, k->min, k->max, longp(c, k)) == -1) {
			jo_why(why, whylen, "expected whole seconds from %ld "
			    "to %ld, got \"%s\"", k->min, k->max, v);
			return -1;
		}
		break;
	}
	return 0;
}

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

static size_t
key_index(const char *name)
{
	size_t	 j;

	for (j = 0; j < NKEYS; j++)
		if (strcmp(keys[j].name, name) == 0)
			break;
	return j;
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

/* Defaults and the checks between keys of issue 6. */
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
	if (!seen[key_index("session_lifetime")])
		c->session_lifetime = 8 * 3600;
	if (c->prompt != NULL && !prompt_ok(c->prompt))
		problem(pr, "%s: prompt: expected none, or login, consent, "
		    "select_account separated by blanks", name);
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
		if (c->jitsi_app_secret == NULL && !seen[key_index(
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
		    seen[key_index(file)] ? file : s[i].key, why, s[i].ours ?
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
	    c->groups_claim, c->require_email_verified ? "1" : "0",
	    c->name_claim, c->email_claim, c->avatar, c->group_claim,
	    c->userinfo };
	struct jo_buf	 b = { 0 };
	char		*hex;
	size_t		 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		jo_buf_adds(&b, v[i] != NULL ? v[i] : "");
		jo_buf_add(&b, "", 1);	/* a NUL between fields */
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

	for (i = 0; i < NKEYS; i++) {
		if (!keys[i].required || seen[i])
			continue;
		if (keys[i].other != NULL) {
			if ((j = key_index(keys[i].other)) < NKEYS && seen[j])
				continue;
			problem(pr, "%s: %s: required key missing (or %s)",
			    name, keys[i].name, keys[i].other);
		} else
			problem(pr, "%s: %s: required key missing", name,
			    keys[i].name);
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
	if (c->scope == NULL)
		c->scope = jo_xstrdup("openid profile email");
	else if (strncmp(c->scope, "openid", 6) != 0 &&
	    strstr(c->scope, " openid") == NULL)
		problem(pr, "%s: scope: must contain \"openid\"", name);
	if (pr->n > 0)
		return;
	strip_slash(c->public_url);
	strip_slash(c->jitsi_url);
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
	int		 seen[NKEYS] = { 0 };
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
		if ((i = key_index(k)) == NKEYS) {
			unknown_key(&pr, name, lineno, k);
			continue;
		}
		if (seen[i]) {
			problem(&pr, "%s:%zu: %s: duplicate key", name, lineno,
			    k);
			continue;
		}
		seen[i] = 1;
		if (keys[i].other != NULL &&
		    (j = key_index(keys[i].other)) < NKEYS && seen[j]) {
			problem(&pr, "%s:%zu: %s: conflicts with %s given "
			    "before", name, lineno, k, keys[i].other);
			continue;
		}
		if (set_key(c, &keys[i], v, sub, sizeof(sub)) == -1)
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
	free(c->issuer);
	free(c->client_id);
	jo_wipe_free(c->client_secret);
	free(c->public_url);
	free(c->redirect_uri);
	free(c->cookie_path);
	free(c->scope);
	free(c->jitsi_url);
	free(c->jitsi_app_id);
	jo_wipe_free(c->jitsi_app_secret);
	free(c->jitsi_audience);
	free(c->jitsi_subject);
	jo_wipe_free(c->cookie_secret);
	free(c->cache_dir);
	jo_wipe_free(c->cookie_secret_old);
	free(c->moderator);
	free(c->moderator_claim);
	free(c->moderator_values);
	free(c->allowed_email_domains);
	free(c->allowed_groups);
	free(c->groups_claim);
	free(c->name_claim);
	free(c->email_claim);
	free(c->avatar);
	free(c->group_claim);
	free(c->userinfo);
	free(c->room_claim);
	free(c->prompt);
	free(c->post_logout_redirect_uri);
	free(c->jitsi_signing);
	jo_wipe_free(c->jitsi_private_key);
	free(c->jitsi_kid);
	free(c->app_scheme_mobile);
	free(c->app_scheme_desktop);
	free(c->app_package_android);
	free(c->jitsi_token_in);
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
