/* cookie.h -- the adapter's cookies and every field sealed in them.
 *
 * Each value is a JSON object sealed (seal.h) under the cookie's purpose,
 * so that one cannot stand for another; the keys inside, by cookie (the
 * table of each is in cookie.c, next to the one encoder and decoder):
 *
 * jitsi_oidc_state    purpose "state", JO_STATE_TTL, Path of public_url
 *	st   string  the OAuth 2.0 state parameter (32 random bytes)
 *	no   string  the OpenID Connect nonce (32 random bytes)
 *	cv   string  the PKCE code verifier (32 random bytes)
 *	r    string  the room, decoded, as the user wrote it
 *	t    string  the tenant, or absent
 *	f    string  URL options for the hash ("config.x=y&..."), or absent
 *	a    string  "ios", "android" or "desktop": the app that started it
 *	p    bool    Jitsi's login popup (nonce= at /authorize): the token
 *		     is posted to the window that opened it
 *	rc   bool    a remembered login re-checked with prompt=none (it had
 *		     no refresh token); absent when false
 *
 * jitsi_oidc_session  purpose "session", session_lifetime, Path as above
 *	sub  string  the user's subject at the provider
 *	name string  display name, or absent
 *	email string e-mail address, or absent
 *	av   string  avatar URL, or absent (dropped first when too large)
 *	gr   string  context.group, or absent
 *	mod  bool    moderator
 *	lb   bool    lobby bypass; absent when false (so for lb, hid, vis, fc)
 *	hid  bool    hidden from the recorder
 *	vis  bool    a visitor
 *	fc   bool    features_claim holds one of features_values
 *	x    int     when the session ends (seconds since the epoch)
 *	r, t, f, a, p  the room the session is for, and how the token
 *		     goes there, as in the state cookie
 *	cf   string  the fingerprint of the configuration it was decided
 *		     under (config.h: jo_config.print)
 *	ck   int     when the provider last vouched for the login (the
 *		     login, or a re-check): session_recheck counts from it
 *
 * jitsi_oidc_refresh  purpose "refresh", as the session, Path .../authorize
 *		     (the re-check is made there): set when the provider
 *		     issued a refresh token and it fits
 *	rt   string  the provider's refresh token
 *	sub  string  the user it is for: the session's sub, or unused
 *
 * jitsi_oidc_logout   purpose "logout", session_lifetime, Path .../logout
 *	h    string  the ID token, the id_token_hint of RP-initiated logout
 *		     (left out when it does not fit beside rt)
 *	rt   string  the refresh token, revoked at logout (RFC 7009);
 *		     left out when it does not fit even alone
 *
 * jitsi_oidc_out      purpose "out", JO_OUT_TTL, Path of public_url: set
 *		     by /logout, deleted by the next login that completes
 *	at   int     when the user logged out; the next login asks the
 *		     provider for prompt=login
 */
#ifndef JO_COOKIE_H
#define JO_COOKIE_H

#include <stddef.h>
#include <time.h>

#include "idtoken.h"
#include "jitsi.h"
#include "req.h"

#define JO_CK_STATE	"jitsi_oidc_state"
#define JO_CK_SESSION	"jitsi_oidc_session"
#define JO_CK_LOGOUT	"jitsi_oidc_logout"
#define JO_CK_OUT	"jitsi_oidc_out"
#define JO_CK_REFRESH	"jitsi_oidc_refresh"
#define JO_OUT_TTL	2592000	/* 30 days: a provider's session may last */
#define JO_HINT_MAX	2600	/* an ID token longer is not kept */

/* Our cookie names, NULL-terminated: the ones the parser keeps. */
extern const char *const jo_ck_names[];

struct jo_ck_state {
	char			*st;
	char			*nonce;
	char			*verifier;
	struct jo_target	 t;
	int			 recheck;
};

struct jo_ck_session {
	struct jo_user		 u;
	struct jo_target	 t;
	time_t			 exp;
	char			*cf;
	time_t			 ck;
};

struct jo_ck_refresh {
	char	*rt;
	char	*sub;
};

/* Open the state cookie: 0, or -1 with the reason.  Of several copies
 * (a sibling host can plant one: cookie tossing), the one whose st is
 * the state parameter is the login's own. */
int	 jo_ck_state_open(struct jo_req *, struct jo_ck_state *, char *,
	    size_t);
/* Seal it and add its Set-Cookie; -1 when it cannot be sealed. */
int	 jo_ck_state_set(struct jo_req *, const struct jo_ck_state *);
void	 jo_ck_state_free(struct jo_ck_state *);

/* Open the session: 0, or -1 with the reason (no copy is trusted when
 * the browser sent several). */
int	 jo_ck_session_open(struct jo_req *, struct jo_ck_session *, char *,
	    size_t);
/* Seal user and room until exp, last checked with the provider at ck,
 * and add its Set-Cookie (the avatar is dropped when it would not fit);
 * -1 when it cannot be sealed. */
int	 jo_ck_session_set(struct jo_req *, const struct jo_user *,
	    const struct jo_target *, time_t exp, time_t ck);
/* Was it made under this configuration? */
int	 jo_ck_session_same_config(const struct jo_req *,
	    const struct jo_ck_session *);
/* Does it last no longer than this configuration makes sessions
 * (jo_req_session_ttl, with JO_STATE_TTL of room for clock skew)?  A
 * session_lifetime or max_age lowered since the login ends it. */
int	 jo_ck_session_fits(const struct jo_req *,
	    const struct jo_ck_session *);
void	 jo_ck_session_free(struct jo_ck_session *);

/* Keep the refresh token of sub until exp: 0, or -1 when it does not
 * fit in a cookie (nothing set). */
int	 jo_ck_refresh_set(struct jo_req *, const char *sub, const char *rt,
	    time_t exp);
/* Open it: 0, or -1 with the reason. */
int	 jo_ck_refresh_open(struct jo_req *, struct jo_ck_refresh *, char *,
	    size_t);
void	 jo_ck_refresh_free(struct jo_ck_refresh *);

/* Keep the ID token (when it is not too long) and the refresh token
 * (or NULL) for logout; the hint goes first when both do not fit, then
 * the token. */
void	 jo_ck_logout_set(struct jo_req *, const char *idt, const char *rt);
/* The kept ID token and refresh token, each NULL when absent; the
 * caller frees them. */
void	 jo_ck_logout_open(struct jo_req *, char **hint, char **rt);

/* Remember a logout: the next login asks the provider to log in again. */
void	 jo_ck_out_set(struct jo_req *);
/* Was there a logout since the last login (a marker that opens)? */
int	 jo_ck_out(struct jo_req *);

/* Delete our cookie of this name (host-only, our path). */
void	 jo_ck_clear(struct jo_req *, const char *name);
/* For each cookie of ours the browser sent twice, or a copy it cannot
 * be (too long, a control): delete every copy we can name. */
void	 jo_ck_delete_tossed(struct jo_req *);

#endif
