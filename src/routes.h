/* routes.h -- the routes, a file each (route_*.c), each reading top to
 * bottom like the flow it serves:
 *
 *   /authorize  start a login: state cookie, redirect to the provider
 *	         (or, with a live session, straight on to /tokenize)
 *   /redirect   the provider's answer: verify, apply the rules, session
 *   /tokenize   the Jitsi token, into the room (or back to the app, or
 *	         posted to Jitsi's login popup)
 *   /logout     clear the cookies, end the provider's session (or, in
 *	         Jitsi's hidden iframe, tell Jitsi it is done)
 *
 * main.c dispatches to them through its route table. */
#ifndef JO_ROUTES_H
#define JO_ROUTES_H

#include <time.h>

#include "err.h"
#include "idtoken.h"
#include "jitsi.h"
#include "oidc.h"
#include "req.h"

void	 jo_route_authorize(struct jo_req *);
void	 jo_route_redirect(struct jo_req *);
void	 jo_route_tokenize(struct jo_req *);
void	 jo_route_logout(struct jo_req *);

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

#endif
