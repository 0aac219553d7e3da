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

#endif
