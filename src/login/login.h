/* login.h -- what the routes share of a login: one started at the
 * provider (state, nonce and PKCE verifier sealed with the room in the
 * state cookie, and the browser sent to the authorization endpoint; from
 * /authorize, and from /redirect when a silent re-check finds the user
 * must log in), an ID token verified, a user refused, and the end of a
 * login -- the session sealed and the refresh token kept -- for
 * /redirect and for a re-check (recheck.h). */
#ifndef JO_LOGIN_H
#define JO_LOGIN_H

#include <time.h>

#include "err.h"
#include "idtoken.h"
#include "jitsi.h"
#include "oidc.h"
#include "proto.h"
#include "req.h"

/* how: the prompt (proto.h); plain becomes relogin after a logout. */
void	 jo_login_start(struct jo_req *, const struct jo_target *,
	    enum jo_auth how);

/* The end of a login (and of single sign-on): seal the session for this
 * user and room until exp, last checked with the provider at ck, and
 * send the browser to /tokenize.  -1, with nothing written, when the
 * session cannot be sealed. */
int	 jo_route_to_tokenize(struct jo_req *, const struct jo_user *,
	    const struct jo_target *, time_t exp, time_t ck);
/* Verify an ID token into u (the nonce, or with NULL a refreshed token:
 * no nonce needed, and its sub must be sub); keys rotated?  One JWKS
 * re-fetch, throttled (checklist 11).  0, or -1 with the kind and why. */
int	 jo_route_verify(struct jo_req *, const struct jo_provider *,
	    struct jo_keys *, const char *idt, const char *nonce,
	    const char *sub, struct jo_user *, enum jo_err *, char *, size_t);
/* An access rule refused the user: 403, the remembered login ended,
 * and with guests allowed, on to the room without a token after a few
 * seconds. */
void	 jo_route_refused(struct jo_req *, const struct jo_target *,
	    const char *why);
/* Keep the provider's refresh token for sub until exp (a log line when
 * it does not fit; with none, a kept one is deleted). */
void	 jo_route_keep_refresh(struct jo_req *, const char *sub,
	    const char *rt, time_t exp);

/* Revoke a kept refresh token at the provider (RFC 7009), with p, or
 * discovered here when p is NULL; a provider without a
 * revocation_endpoint keeps it until it expires.  A failure is one log
 * line: "<what> not revoked: <why>". */
void	 jo_login_revoke(struct jo_req *, const struct jo_provider *p,
	    const char *rt, const char *what);

#endif
