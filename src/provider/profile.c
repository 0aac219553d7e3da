/* profile.c -- see profile.h */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "crypto.h"
#include "profile.h"
#include "util.h"

#define PATH_MAX_PARTS	8

/* The next segment of a claim path into part, up to an unescaped '.'
 * ("\." is a dot of the segment, "\\" a backslash); *p moves past its
 * dot, or to NULL after the last segment.  -1: empty or too long. */
static int
segment(const char **p, char *part, size_t size)
{
	const char	*s = *p;
	size_t		 n = 0;

	for (; *s != '\0' && *s != '.'; s++) {
		if (*s == '\\' && (s[1] == '.' || s[1] == '\\'))
			s++;
		if (n + 1 >= size)
			return -1;
		part[n++] = *s;
	}
	part[n] = '\0';
	*p = *s == '.' ? s + 1 : NULL;
	return n > 0 ? 0 : -1;
}

json_object *
jo_claim(json_object *o, const char *path)
{
	json_object	*v;
	const char	*p = path;
	char		 part[256];
	size_t		 parts = 0;

	if (o == NULL || path == NULL)
		return NULL;
	/* a name with a backslash is a path only: its escaped dots say
	 * where the segments are, and a key spelled like the unescaped
	 * path (from userinfo, say) must not stand in for it */
	if (strchr(path, '\\') == NULL &&
	    json_object_object_get_ex(o, path, &v))
		return v;
	/* a namespaced claim (Auth0's "https://example.org/roles") is a
	 * name, never a path: its dots are the host's, and a token that
	 * lacks the claim must not be read through
	 * {"https://example": {"org/roles": ...}} instead (a path into one
	 * escapes the host's dots: https://example\.org/app.roles) */
	if (strstr(path, "://") != NULL && strchr(path, '\\') == NULL)
		return NULL;
	while (json_object_is_type(o, json_type_object) &&
	    parts++ < PATH_MAX_PARTS) {
		if (segment(&p, part, sizeof(part)) == -1 ||
		    !json_object_object_get_ex(o, part, &v))
			return NULL;
		if (p == NULL)
			return v;
		o = v;
	}
	return NULL;
}

/* A scalar claim value as text: strings as they are, booleans and
 * integers as their JSON text; NULL for anything else. */
static const char *
scalar(json_object *v)
{
	if (json_object_is_type(v, json_type_string)) {
		if ((size_t)json_object_get_string_len(v) !=
		    strlen(json_object_get_string(v)))
			return NULL;	/* an escaped NUL inside */
		return json_object_get_string(v);
	}
	if (json_object_is_type(v, json_type_boolean) ||
	    json_object_is_type(v, json_type_int))
		return json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN);
	return NULL;
}

/* Does a flags object's value say the key is held?  Not false, null,
 * 0, "", "false", "0", {} or []. */
static int
held(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		return json_object_get_boolean(v);
	case json_type_int:
		return json_object_get_int64(v) != 0;
	case json_type_double:
		return json_object_get_double(v) != 0.0;
	case json_type_string:	/* a mapper's "false" is not a yes */
		return json_object_get_string_len(v) > 0 &&
		    strcasecmp(json_object_get_string(v), "false") != 0 &&
		    strcmp(json_object_get_string(v), "0") != 0;
	case json_type_object:
		return json_object_object_length(v) > 0;
	case json_type_array:
		return json_object_array_length(v) > 0;
	}
	return 0;
}

int
jo_claim_matches(json_object *claims, const char *path, const char *list)
{
	json_object	*v = jo_claim(claims, path);
	const char	*s;
	size_t		 i, n;

	if (v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n && i < 1000; i++)
			if ((s = scalar(json_object_array_get_idx(v, i))) !=
			    NULL && jo_list_has(list, s, 0))
				return 1;
		return 0;
	}
	/* an object matches on its keys: Zitadel's roles claim is
	 * {"moderator": {"<org id>": "<org domain>"}}; a key whose value
	 * is empty is one the user does not have (a flags object:
	 * {"moderator": false}, {"mods": 0}) */
	if (json_object_is_type(v, json_type_object)) {
		i = 0;
		json_object_object_foreach(v, k, kv) {
			if (i++ >= 1000)
				break;
			if (!held(kv))
				continue;
			if (jo_list_has(list, k, 0))
				return 1;
		}
		return 0;
	}
	return (s = scalar(v)) != NULL && jo_list_has(list, s, 0);
}

/* A string claim fit for the token: valid UTF-8, no controls, not
 * empty, at most max bytes; a copy or NULL. */
static char *
clean(json_object *v, size_t max)
{
	const char	*s;
	size_t		 n;

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	s = json_object_get_string(v);
	n = strlen(s);
	if (n == 0 || n > max || n != (size_t)json_object_get_string_len(v) ||
	    jo_has_ctl(s, n) || !jo_utf8_valid((const unsigned char *)s, n))
		return NULL;
	return jo_xstrdup(s);
}

static char *
first_string(json_object *v, size_t max)
{
	if (v != NULL && json_object_is_type(v, json_type_array))
		v = json_object_array_length(v) > 0 ?
		    json_object_array_get_idx(v, 0) : NULL;
	return clean(v, max);
}

static char *
email_of(const struct jo_config *c, json_object *claims)
{
	char	*e = clean(jo_claim(claims, c ? c->email_claim : "email"), 254);

	if (e != NULL && strchr(e, '@') == NULL) {
		free(e);
		e = NULL;
	}
	return e;
}

/* name_claim if set, then name, preferred_username, "given family",
 * the e-mail's local part. */
static char *
name_of(const struct jo_config *c, json_object *claims, const char *email)
{
	char	*n = NULL, *g, *f;

	if (c != NULL && c->name_claim != NULL &&
	    (n = clean(jo_claim(claims, c->name_claim), 256)) != NULL)
		return n;
	if ((n = clean(jo_claim(claims, "name"), 256)) != NULL ||
	    (n = clean(jo_claim(claims, "preferred_username"), 256)) != NULL)
		return n;
	g = clean(jo_claim(claims, "given_name"), 127);
	f = clean(jo_claim(claims, "family_name"), 127);
	if (g != NULL && f != NULL)
		n = jo_xasprintf("%s %s", g, f);
	else if (g != NULL || f != NULL)
		n = jo_xstrdup(g != NULL ? g : f);
	free(g);
	free(f);
	if (n == NULL && email != NULL)
		n = jo_xstrndup(email, (size_t)(strchr(email, '@') - email));
	return n;
}

/* The provider's picture: an https URL without quotes or blanks. */
static char *
picture_of(json_object *claims)
{
	char	*p = clean(jo_claim(claims, "picture"), 1024);

	if (p != NULL && (strncmp(p, "https://", 8) != 0 ||
	    strpbrk(p, " \"'<>\\`") != NULL)) {
		free(p);
		p = NULL;
	}
	return p;
}

static int
email_verified(json_object *claims)
{
	json_object	*v;

	if (!json_object_object_get_ex(claims, "email_verified", &v))
		return 0;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	/* some providers (Cognito) send the string "true" */
	return json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), "true") == 0;
}

int
jo_rule_holds(const struct jo_rule *r, json_object *claims)
{
	if (r->mode == NULL)		/* none: not from a configuration file */
		return 0;
	if (strcmp(r->mode, "all") == 0)
		return 1;
	return strcmp(r->mode, "claim") == 0 &&
	    jo_claim_matches(claims, r->claim, r->values);
}

/* A rule on a claim the ID token lacks? */
static int
rule_lacks(const struct jo_rule *r, json_object *claims)
{
	return r->mode != NULL && strcmp(r->mode, "claim") == 0 &&
	    jo_claim(claims, r->claim) == NULL;
}

int
jo_profile_wants_userinfo(const struct jo_config *c, json_object *claims)
{
	char	*e, *n;
	int	 want;

	if (strcmp(c->userinfo, "always") == 0)
		return 1;
	if (strcmp(c->userinfo, "never") == 0)
		return 0;
	e = email_of(c, claims);
	n = name_of(c, claims, NULL);
	want = e == NULL || n == NULL ||
	    (c->name_claim != NULL && jo_claim(claims, c->name_claim) == NULL) ||
	    (strcmp(c->moderator, "claim") == 0 &&
	    jo_claim(claims, c->moderator_claim) == NULL) ||
	    (c->allowed_groups != NULL &&
	    jo_claim(claims, c->groups_claim) == NULL) ||
	    (c->group_claim != NULL && jo_claim(claims, c->group_claim) == NULL) ||
	    (c->require_email_verified &&
	    jo_claim(claims, "email_verified") == NULL) ||
	    rule_lacks(&c->lobby_bypass, claims) ||
	    rule_lacks(&c->hidden, claims) || rule_lacks(&c->visitor, claims) ||
	    (c->features_claim != NULL &&
	    jo_claim(claims, c->features_claim) == NULL);
	free(e);
	free(n);
	return want;
}

int
jo_profile_merge(json_object *claims, json_object *ui, char *why, size_t wl)
{
	json_object	*s1, *s2;

	if (!json_object_object_get_ex(claims, "sub", &s1) ||
	    !json_object_object_get_ex(ui, "sub", &s2) ||
	    !json_object_is_type(s2, json_type_string) ||
	    json_object_get_string_len(s1) != json_object_get_string_len(s2) ||
	    memcmp(json_object_get_string(s1), json_object_get_string(s2),
	    (size_t)json_object_get_string_len(s1)) != 0) {
		jo_why(why, wl, "userinfo sub is %s the ID token's",
		    json_object_object_get_ex(ui, "sub", NULL) ? "not" :
		    "missing; expected");
		return -1;
	}
	json_object_object_foreach(ui, k, v) {
		/* what the ID token has, by name or as a dotted path, is
		 * never overridden: a userinfo key "realm_access.roles"
		 * must not shadow the ID token's realm_access.roles */
		if (jo_claim(claims, k) != NULL)
			continue;
		json_object_object_add(claims, k, json_object_get(v));
	}
	return 0;
}

/* The provider left the claim out and points elsewhere for it (a
 * distributed claim, OpenID Connect Core 5.6.2): Entra ID does so with
 * "groups" for a user in more groups than fit in a token.  Matching
 * on the missing claim would silently make the user a non-member. */
static int
distributed(json_object *claims, const char *name)
{
	json_object	*names;

	return jo_claim(claims, name) == NULL &&
	    json_object_object_get_ex(claims, "_claim_names", &names) &&
	    json_object_is_type(names, json_type_object) &&
	    json_object_object_get_ex(names, name, NULL);
}

static int
overage(json_object *claims, const char *key, const char *name, char *why,
    size_t wl)
{
	if (!distributed(claims, name))
		return 0;
	jo_why(why, wl, "the login provider left \"%.64s\" out of the token "
	    "(your account is in too many groups to list: Entra ID's group "
	    "overage), so %s cannot be decided; the administrator can give "
	    "app roles instead and match on the \"roles\" claim", name, key);
	return -1;
}

static int
rule_overage(json_object *claims, const char *key, const struct jo_rule *r,
    char *why, size_t wl)
{
	if (r->mode == NULL || strcmp(r->mode, "claim") != 0)
		return 0;
	return overage(claims, key, r->claim, why, wl);
}

/* What the token rules say of this user.  A moderator is never made a
 * visitor: visitor = all with moderators by claim is a webinar, its
 * hosts in the meeting and everyone else watching. */
static void
token_rules(const struct jo_config *c, struct jo_user *u)
{
	u->lobby_bypass = jo_rule_holds(&c->lobby_bypass, u->claims);
	u->hidden = jo_rule_holds(&c->hidden, u->claims);
	u->visitor = !u->moderator && jo_rule_holds(&c->visitor, u->claims);
	u->features_claim = c->features_claim != NULL &&
	    jo_claim_matches(u->claims, c->features_claim, c->features_values);
}

int
jo_profile_build(const struct jo_config *c, struct jo_user *u, char *why,
    size_t wl)
{
	json_object	*cl = u->claims;
	const char	*at;

	free(u->name);
	free(u->email);
	free(u->avatar);
	free(u->group);
	u->name = u->email = u->avatar = u->group = NULL;
	u->moderator = u->lobby_bypass = u->hidden = u->visitor = 0;
	u->features_claim = 0;
	u->email = email_of(c, cl);
	u->name = name_of(c, cl, u->email);
	if (c == NULL)
		return 0;

	/* Who may log in: every rule that is set must pass. */
	if (c->require_email_verified && (u->email == NULL ||
	    !email_verified(cl))) {
		jo_why(why, wl, "your e-mail address is not verified at the "
		    "login provider");
		return -1;
	}
	if (c->allowed_email_domains != NULL) {
		/* an address the provider says it has not verified proves
		 * nothing about its domain (a missing email_verified is
		 * accepted: some providers never send it) */
		if (u->email != NULL && json_object_object_get_ex(cl,
		    "email_verified", NULL) && !email_verified(cl)) {
			jo_why(why, wl, "your e-mail address is not verified "
			    "at the login provider, and only some e-mail "
			    "domains may join");
			return -1;
		}
		if (u->email == NULL) {
			jo_why(why, wl, "the login provider did not tell us "
			    "your e-mail address, and only some e-mail "
			    "domains may join");
			return -1;
		}
		at = strrchr(u->email, '@') + 1;
		if (!jo_list_has(c->allowed_email_domains, at, 1)) {
			jo_why(why, wl, "e-mail addresses at %.100s may not "
			    "join meetings here", at);
			return -1;
		}
	}
	if ((c->allowed_groups != NULL && overage(cl, "allowed_groups",
	    c->groups_claim, why, wl) == -1) ||
	    (strcmp(c->moderator, "claim") == 0 && overage(cl,
	    "moderator_claim", c->moderator_claim, why, wl) == -1) ||
	    rule_overage(cl, "lobby_bypass_claim", &c->lobby_bypass, why,
	    wl) == -1 || rule_overage(cl, "hidden_from_recorder_claim",
	    &c->hidden, why, wl) == -1 || rule_overage(cl, "visitor_claim",
	    &c->visitor, why, wl) == -1 || (c->features_claim != NULL &&
	    overage(cl, "features_claim", c->features_claim, why, wl) == -1))
		return -1;
	if (c->allowed_groups != NULL &&
	    !jo_claim_matches(cl, c->groups_claim, c->allowed_groups)) {
		jo_why(why, wl, "your account is not in a group that may "
		    "join meetings here");
		return -1;
	}

	if (strcmp(c->moderator, "all") == 0)
		u->moderator = 1;
	else if (strcmp(c->moderator, "claim") == 0)
		u->moderator = jo_claim_matches(cl, c->moderator_claim,
		    c->moderator_values);
	token_rules(c, u);
	if (strcmp(c->avatar, "picture") == 0)
		u->avatar = picture_of(cl);
	if (u->avatar == NULL && u->email != NULL &&
	    strcmp(c->avatar, "none") != 0)
		u->avatar = jo_gravatar(u->email);
	if (c->group_claim != NULL)
		u->group = first_string(jo_claim(cl, c->group_claim), 256);
	return 0;
}

void
jo_user_free(struct jo_user *u)
{
	free(u->sub);
	free(u->name);
	free(u->email);
	free(u->avatar);
	free(u->group);
	json_object_put(u->claims);
	memset(u, 0, sizeof(*u));
}

char *
jo_gravatar(const char *email)
{
	char	*low, *hex, *url;
	size_t	 n, i;

	while (*email == ' ' || *email == '\t')
		email++;
	n = strlen(email);
	while (n > 0 && (email[n - 1] == ' ' || email[n - 1] == '\t'))
		n--;
	low = jo_xstrndup(email, n);
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)low[i]);
	hex = jo_sha256_hex(low, n);
	url = jo_xasprintf("https://www.gravatar.com/avatar/%s?d=identicon",
	    hex);
	free(low);
	free(hex);
	return url;
}
