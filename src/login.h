/* login.h -- a login started at the provider: state, nonce and PKCE
 * verifier sealed with the room in the state cookie, and the browser
 * sent to the authorization endpoint.  From /authorize, and from
 * /redirect when a silent re-check finds the user must log in. */
#ifndef JO_LOGIN_H
#define JO_LOGIN_H

#include "jitsi.h"
#include "proto.h"
#include "req.h"

/* how: the prompt (proto.h); plain becomes relogin after a logout. */
void	 jo_login_start(struct jo_req *, const struct jo_target *,
	    enum jo_auth how);

#endif
