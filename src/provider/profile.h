/* profile.h -- who the user is for Jitsi, and whether they may come in:
 * display name, e-mail, avatar, group and moderator from the provider's
 * claims, and the access rules of the configuration. */
#ifndef JO_PROFILE_H
#define JO_PROFILE_H

#include <stddef.h>

#include <json-c/json.h>

#include "config.h"

/* Who logs in: from the verified ID token (sub, claims), then the
 * profile below. */
struct jo_user {
	char	*sub;
	char	*name;		/* may be NULL */
	char	*email;		/* may be NULL */
	char	*avatar;	/* may be NULL */
	char	*group;		/* context.group; may be NULL */
	int	 moderator;
	/* the token rules decided at login (config.h, struct jo_rule) */
	int	 lobby_bypass;
	int	 hidden;	/* hidden from the recorder */
	int	 visitor;	/* never for a moderator */
	int	 features_claim; /* features_claim holds a features_value */
	json_object *claims;	/* the verified payload, or NULL */
};

/* A claim by name: the whole name first (namespaced claims such as
 * "https://example.org/roles"), then as a dotted path into nested
 * objects ("realm_access.roles").  A backslash escapes a dot inside a
 * segment ("resource_access.meet\.example\.org.roles"), and a name with
 * a backslash is a path only.  NULL when absent. */
json_object	*jo_claim(json_object *, const char *);
/* Does the claim (a string, or an array of strings; a boolean or a
 * number compares as its JSON text; an object by its keys) hold one of
 * the comma-separated values? */
int	 jo_claim_matches(json_object *, const char *, const char *);
/* Would the profile lack something the ID token could not give? */
int	 jo_profile_wants_userinfo(const struct jo_config *, json_object *);
/* Add the userinfo response's claims that the ID token lacks; -1 when
 * its sub is not the ID token's (OpenID Connect Core 5.3.2). */
int	 jo_profile_merge(json_object *claims, json_object *userinfo,
	    char *, size_t);
/* Does the rule hold for these claims?  A NULL mode is "none". */
int	 jo_rule_holds(const struct jo_rule *, json_object *);
/* Fill name, e-mail, avatar, group, moderator and the token rules from
 * claims (u->claims)
 * and check the access rules.  c may be NULL: the default name chain
 * and e-mail only.  Returns -1 when the user may not log in, with the
 * reason in plain words in why. */
int	 jo_profile_build(const struct jo_config *, struct jo_user *,
	    char *, size_t);
void	 jo_user_free(struct jo_user *);
/* https://www.gravatar.com/avatar/<sha256>?d=identicon */
char	*jo_gravatar(const char *);

#endif
