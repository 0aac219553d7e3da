/* route_logout.c -- /logout, RP-initiated logout 1.0: our cookies
 * cleared, then the provider's end_session_endpoint with id_token_hint
 * and post_logout_redirect_uri, or straight to post_logout_redirect_uri
 * when it has none.  Not started on a page of ours (req.c): a page with
 * a button first.  Loaded by Jitsi in a hidden iframe (its silent
 * logout, with tokenAuthInline): our cookies cleared, Jitsi told, and
 * the refresh token revoked within about 2 seconds; the provider's own
 * session is left alone (its logout page cannot be framed, and may ask
 * the user). */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "http.h"
#include "login.h"
#include "oidc.h"
#include "proto.h"
#include "routes.h"
#include "util.h"

/* Another site cannot end the session unasked: the button comes back
 * from our own origin. */
static void
ask(struct jo_req *r)
{
	char	*self = jo_req_url(r, "logout");

	jo_log("200: logout started by another site: asking the user");
	jo_resp_page(&r->resp, 200, "Log out?", "Do you want to log out of "
	    "the meetings here?", self, "Log out");
	free(self);
}

/* A frame: Jitsi's hidden iframe when the request is ours (a page of
 * another site that frames us gets the "Log out?" page, which no one
 * may frame).  Without Sec-Fetch-Dest (older browsers) a frame looks
 * like a navigation: our cookies are cleared all the same, and Jitsi
 * stops waiting after its 3 seconds. */
static int
framed(const struct jo_req *r)
{
	return r->fetch_dest != NULL && strcmp(r->fetch_dest, "iframe") == 0;
}

#define FRAMED_REVOKE	2	/* seconds the silent logout gives the
				 * provider */

void
jo_route_logout(struct jo_req *r)
{
	struct jo_provider	 p = { 0 };
	char			*hint, *rt, *loc, why[600];

	if (!jo_req_ours(r)) {
		ask(r);
		return;
	}
	jo_ck_clear(r, JO_CK_STATE);
	jo_ck_clear(r, JO_CK_SESSION);
	jo_ck_clear(r, JO_CK_LOGOUT);
	jo_ck_clear(r, JO_CK_REFRESH);
	/* the provider's session may outlive ours (a silent logout does
	 * not reach it; its logout page may be declined): the next login
	 * asks it to log the user in again */
	jo_ck_out_set(r);
	jo_ck_logout_open(r, &hint, &rt);
	if (framed(r)) {
		/* Jitsi waits 3 s for its answer: the refresh token is
		 * revoked within about 2 (discovery included), and the
		 * answer is the same whatever the provider does */
		jo_req_post(r, 200, "Logged out", "You are logged out of the "
		    "meetings here.", 1, "logout-success", NULL, NULL);
		if (rt != NULL) {
			jo_http_deadline(r->cfg.http_timeout < FRAMED_REVOKE ?
			    r->cfg.http_timeout : FRAMED_REVOKE);
			jo_login_revoke(r, NULL, rt, "refresh token");
		}
		goto end;
	}
	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1)
		jo_log("logged out here only: %s", why);
	else	/* so that it cannot outlive the logout */
		jo_login_revoke(r, &p, rt, "refresh token");
	loc = jo_proto_logout_url(&r->cfg, &p, hint);
	jo_resp_redirect(&r->resp, loc);
	free(loc);
end:
	jo_wipe_free(hint);
	jo_wipe_free(rt);
	jo_provider_free(&p);
}
