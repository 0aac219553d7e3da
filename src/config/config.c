/* config.c -- parse and validate the configuration file.
 *
 * Format: "key = value" per line; a line whose first non-blank
 * character is '#' is a comment; blank lines are ignored; whitespace
 * around key and value is trimmed.  Unknown keys, duplicates, lines
 * without '=', invalid values and missing required keys are errors that
 * name file:line and the key.  A "<key>_file" variant of a secret reads
 * the secret from a file (trailing newline stripped).  The values are
 * parsed by config_keys.c, the rules between keys are config_rules.c. */
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
#include "config_rules.h"
#include "secret.h"
#include "url.h"
#include "util.h"

#define CONFIG_MAX	(64 * 1024)


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
    struct jo_problems *pr)
{
	size_t	 i, j;
	char	*host;

	for (i = 0; i < jo_nkeys; i++) {
		if (!jo_keys[i].required || seen[i])
			continue;
		if (jo_keys[i].other != NULL) {
			if ((j = jo_key_index(jo_keys[i].other)) < jo_nkeys && seen[j])
				continue;
			jo_problem(pr, "%s: %s: required key missing (or %s)",
			    name, jo_keys[i].name, jo_keys[i].other);
		} else
			jo_problem(pr, "%s: %s: required key missing", name,
			    jo_keys[i].name);
	}
	jo_config_rules(name, c, seen, pr);
	if (c->scope == NULL)
		c->scope = jo_xstrdup("openid profile email");
	else if (strncmp(c->scope, "openid", 6) != 0 &&
	    strstr(c->scope, " openid") == NULL)
		jo_problem(pr, "%s: scope: must contain \"openid\"", name);
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
			jo_problem(pr, "%s: jitsi_url: no host", name);
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
		jo_problem(pr, "%s: jitsi_url: no origin", name);
	c->cookie_path = jo_url_path(c->public_url);
	config_print(c, c->print);
	c->cookie_secure = strncmp(c->public_url, "https://", 8) == 0;
	if (c->cookie_path == NULL)
		jo_problem(pr, "%s: public_url: no path", name);
}

/* An unknown key is named only when it looks like one: with the '='
 * forgotten ("client_secret S3cr3t=="), or a base64 secret pasted on a
 * line of its own, the "key" holds a secret.  Only the first word, and
 * only when it is made of a key's characters. */
static void
unknown_key(struct jo_problems *pr, const char *name, size_t lineno,
    const char *k)
{
	size_t	 w = strcspn(k, " \t"), i;

	for (i = 0; i < w; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_'))
			break;
	if (i < w || w > 64) {
		jo_problem(pr, "%s:%zu: not a \"key = value\" line (not shown: "
		    "it may hold a secret)", name, lineno);
		return;
	}
	jo_problem(pr, "%s:%zu: %.*s: unknown key%s", name, lineno, (int)w, k,
	    k[w] != '\0' ? " (a key is one word: is the '=' missing after "
	    "it?)" : "");
}

int
jo_config_parse(const char *name, const char *text, size_t len,
    struct jo_config *c, char *why, size_t whylen)
{
	struct jo_problems	 pr = { { 0 }, 0 };
	int		 seen[JO_KEYS_MAX] = { 0 };
	const char	*p = text, *end = text + len, *nl;
	char		*line = NULL, *s, *e, *eq, *k, *v;
	char		 sub[512];
	size_t		 i, j, lineno = 0;

	memset(c, 0, sizeof(*c));
	if (memchr(text, '\0', len) != NULL) {
		jo_problem(&pr, "%s: contains a NUL byte", name);
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
			jo_problem(&pr, "%s:%zu: line without '='", name, lineno);
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
			jo_problem(&pr, "%s:%zu: %s: duplicate key", name, lineno,
			    k);
			continue;
		}
		seen[i] = 1;
		if (jo_keys[i].other != NULL &&
		    (j = jo_key_index(jo_keys[i].other)) < jo_nkeys && seen[j]) {
			jo_problem(&pr, "%s:%zu: %s: conflicts with %s given "
			    "before", name, lineno, k, jo_keys[i].other);
			continue;
		}
		if (jo_key_set(c, &jo_keys[i], v, sub, sizeof(sub)) == -1)
			jo_problem(&pr, "%s:%zu: %s: %s", name, lineno, k, sub);
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
