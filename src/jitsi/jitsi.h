/* jitsi.h -- everything Jitsi Meet expects: room and tenant names, the
 * tokenAuthUrl state, the token (jitsi-token-rules.md) and the URL the
 * user is sent back to. */
#ifndef JO_JITSI_H
#define JO_JITSI_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "profile.h"

#define JO_ROOM_MAX	200	/* bytes of a decoded room or tenant name */
#define JO_STATE_MAX	4096	/* bytes of Jitsi's state JSON */
#define JO_FLAGS_MAX	1024	/* bytes of the hash flags handed back */
#define JO_NBF_BACKDATE	60	/* nbf this far in the past */

struct jo_target {
	char	*room;		/* decoded, as the user wrote it */
	char	*tenant;	/* decoded, or NULL */
	char	*flags;		/* "config.x=y&..." for the hash, or NULL */
	char	*app;		/* "ios", "android" or "desktop" from the
				 * state, or NULL */
	int	 popup;		/* Jitsi's login popup (tokenAuthInline):
				 * the token is posted to it, not carried
				 * in a URL */
};

/* Is this a plain room (or tenant) name?  Decoded UTF-8, no '/', '\\',
 * '?', '#', '%', '&', ':', quotes, angle brackets, controls or "..", at
 * most JO_ROOM_MAX bytes, not empty, not "."; nothing that
 * lower(NFKC()) makes a '*' (Jitsi's wildcard). */
int	 jo_room_valid(const char *, char *, size_t);
/* May the browser be sent to this target?  Not to an address under
 * public_url (the adapter's own routes). */
int	 jo_target_check(const struct jo_config *, const struct jo_target *,
	    char *, size_t);
/* The room claim Jitsi compares with: lowercase, percent-encoded as by
 * encodeURIComponent, hex in lowercase. */
char	*jo_room_claim(const char *);
/* Read Jitsi's tokenAuthUrl state JSON into a target. */
int	 jo_jitsi_state(const char *, struct jo_target *, char *, size_t);
/* Take a room/tenant from a query (percent-decoded once already); the
 * names are validated. */
int	 jo_target_set(struct jo_target *, const char *room,
	    const char *tenant, char *, size_t);
void	 jo_target_free(struct jo_target *);
/* The target as Jitsi's tokenAuthUrl state JSON, which jo_jitsi_state
 * reads back into the same room, tenant, app and URL options. */
char	*jo_target_state(const struct jo_target *);
/* Keep only the URL options that expose the user less than Jitsi's
 * defaults (muted, audio only, prejoin on), for a login another site
 * started; returns how many were dropped. */
int	 jo_target_safe_flags(struct jo_target *);

/* The signed Jitsi token for this user and room (HS256 with the app
 * secret, or RS256 with the private key); NULL with why when RS256
 * signing fails. */
char	*jo_jitsi_token(const struct jo_config *, const struct jo_user *,
	    const struct jo_target *, time_t now, char *, size_t);
/* jitsi_url/[tenant/]room[?key=value][#flags]: key "jwt" with the token,
 * or "oidc" with the flag (failed, unauthorized) that sends a user back
 * without a token and tells the site's login rule not to loop; NULL for
 * neither.  The value must be URL-safe. */
char	*jo_jitsi_url(const struct jo_config *, const struct jo_target *,
	    const char *key, const char *value);
/* Where the browser takes the token into the room: with jitsi_token_in
 * = hash, jitsi_url/[tenant/]room?oidc=ok#[flags&]jwt=%22<token>%22;
 * with query, jitsi_url/[tenant/]room?jwt=<token>[#flags]. */
char	*jo_jitsi_url_token(const struct jo_config *,
	    const struct jo_target *, const char *token);
/* The same in the app's own scheme (app_scheme_mobile or _desktop for
 * t->app) instead of https: org.jitsi.meet://host/room?jwt=...; for
 * Android an intent for app_package_android only:
 * intent://host/room?jwt=...#Intent;scheme=...;package=...;end */
char	*jo_jitsi_app_url(const struct jo_config *, const struct jo_target *,
	    const char *token);

#endif
