/* config_keys.c -- the table of configuration keys and the parser of
 * one value (config_keys.h). */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"
#include "secret.h"
#include "url.h"
#include "util.h"

#define OFF(f)	offsetof(struct jo_config, f)

const struct jo_key jo_keys[] = {
	{ "issuer", K_URL, 1, OFF(issuer), 0, 0, NULL, NULL },
	{ "client_id", K_STR, 1, OFF(client_id), 0, 0, NULL, NULL },
	{ "client_secret", K_SECRET, 0, OFF(client_secret), 0, 0,
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
	{ "allowed_tenants", K_STR, 0, OFF(allowed_tenants), 0, 0, NULL, NULL },
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
	{ "session_recheck", K_SECONDS, 0, OFF(session_recheck), 0,
	    30 * 86400, NULL, NULL },
	{ "prompt", K_STR, 0, OFF(prompt), 0, 0, NULL, NULL },
	{ "acr_values", K_STR, 0, OFF(acr_values), 0, 0, NULL, NULL },
	{ "max_age", K_SECONDS, 0, OFF(max_age), 0, 366L * 86400, NULL, NULL },
	{ "ui_locales", K_STR, 0, OFF(ui_locales), 0, 0, NULL, NULL },
	{ "auth_params", K_STR, 0, OFF(auth_params), 0, 0, NULL, NULL },
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
	{ "lobby_bypass", K_ENUM, 0, OFF(lobby_bypass.mode), 0, 0, NULL,
	    "all|none|claim" },
	{ "lobby_bypass_claim", K_STR, 0, OFF(lobby_bypass.claim), 0, 0, NULL,
	    NULL },
	{ "lobby_bypass_values", K_STR, 0, OFF(lobby_bypass.values), 0, 0,
	    NULL, NULL },
	{ "hidden_from_recorder", K_ENUM, 0, OFF(hidden.mode), 0, 0, NULL,
	    "all|none|claim" },
	{ "hidden_from_recorder_claim", K_STR, 0, OFF(hidden.claim), 0, 0,
	    NULL, NULL },
	{ "hidden_from_recorder_values", K_STR, 0, OFF(hidden.values), 0, 0,
	    NULL, NULL },
	{ "visitor", K_ENUM, 0, OFF(visitor.mode), 0, 0, NULL,
	    "all|none|claim" },
	{ "visitor_claim", K_STR, 0, OFF(visitor.claim), 0, 0, NULL, NULL },
	{ "visitor_values", K_STR, 0, OFF(visitor.values), 0, 0, NULL, NULL },
	{ "features_all", K_STR, 0, OFF(features_all), 0, 0, NULL, NULL },
	{ "features_moderators", K_STR, 0, OFF(features_moderators), 0, 0,
	    NULL, NULL },
	{ "features_claimed", K_STR, 0, OFF(features_claimed), 0, 0, NULL,
	    NULL },
	{ "features_claim", K_STR, 0, OFF(features_claim), 0, 0, NULL, NULL },
	{ "features_values", K_STR, 0, OFF(features_values), 0, 0, NULL, NULL },
	{ "features_off", K_STR, 0, OFF(features_off), 0, 0, NULL, NULL },
	{ "client_auth", K_ENUM, 0, OFF(client_auth), 0, 0, NULL,
	    "auto|client_secret_basic|client_secret_post|private_key_jwt|none" },
	{ "client_key_file", K_SECRET_FILE, 0, OFF(client_key), 0, 0, NULL,
	    NULL },
	{ "client_kid", K_STR, 0, OFF(client_kid), 0, 0, NULL, NULL },
	{ "ca_file", K_STR, 0, OFF(ca_file), 0, 0, NULL, NULL },
	{ "proxy", K_STR, 0, OFF(proxy), 0, 0, NULL, NULL },
	{ "backchannel_url", K_URL, 0, OFF(backchannel_url), 0, 0, NULL,
	    NULL },
};

const size_t jo_nkeys = sizeof(jo_keys) / sizeof(jo_keys[0]);

_Static_assert(sizeof(jo_keys) / sizeof(jo_keys[0]) < JO_KEYS_MAX,
    "JO_KEYS_MAX too small (one spare: seen[jo_nkeys] is read)");

static char **
strp(struct jo_config *c, const struct jo_key *k)
{
	return (char **)(void *)((char *)c + k->off);
}

static long *
longp(struct jo_config *c, const struct jo_key *k)
{
	return (long *)(void *)((char *)c + k->off);
}

static int *
intp(struct jo_config *c, const struct jo_key *k)
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

const char *
jo_list_next(const char **p, size_t *n)
{
	const char	*s, *e;

	while (**p == ' ' || **p == '\t' || **p == ',')
		(*p)++;
	if (**p == '\0')
		return NULL;
	for (s = *p; **p != '\0' && **p != ','; (*p)++)
		;
	for (e = *p; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*n = (size_t)(e - s);
	return s;
}

int
jo_list_has(const char *list, const char *value, int icase)
{
	const char	*p = list, *s;
	size_t		 n = strlen(value), m;

	if (list == NULL || n == 0)
		return 0;
	while ((s = jo_list_next(&p, &m)) != NULL)
		if (m == n && (icase ? strncasecmp(s, value, n) :
		    strncmp(s, value, n)) == 0)
			return 1;
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

int
jo_key_set(struct jo_config *c, const struct jo_key *k, const char *v,
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


size_t
jo_key_index(const char *name)
{
	size_t	 j;

	for (j = 0; j < jo_nkeys; j++)
		if (strcmp(jo_keys[j].name, name) == 0)
			break;
	return j;
}

void
jo_config_keys_free(struct jo_config *c)
{
	const struct jo_key	*k;
	size_t			 i;

	for (i = 0; i < jo_nkeys; i++) {
		k = &jo_keys[i];
		switch (k->kind) {
		case K_STR:
		case K_URL:
		case K_ENUM:
			free(*strp(c, k));
			*strp(c, k) = NULL;
			break;
		case K_SECRET:
		case K_SECRET_FILE:	/* a twin's field is freed once */
			jo_wipe_free(*strp(c, k));
			*strp(c, k) = NULL;
			break;
		default:
			break;
		}
	}
}
