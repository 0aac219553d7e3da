/* login.c -- see login.h */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "login.h"
#include "oidc.h"
#include "util.h"

void
jo_login_start(struct jo_req *r, const struct jo_target *t, enum jo_auth how)
{
	struct jo_provider	 p = { 0 };
	struct jo_ck_state	 s = { 0 };
	char			*cc = NULL, *loc = NULL, *rnd, why[600];

	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_PROVIDER_DOWN, "%s", why);
		goto end;
	}
	s.t = *t;	/* lent, not freed here */
	s.recheck = how == JO_AUTH_SILENT;
	/* the popup's state is marked, so that a callback whose cookie
	 * is gone still answers the popup */
	if ((rnd = jo_proto_random(32)) != NULL)
		s.st = jo_xasprintf("%s%s", t->popup ? JO_POPUP_MARK : "", rnd);
	jo_wipe_free(rnd);
	if (s.st == NULL ||
	    (s.nonce = jo_proto_random(32)) == NULL ||
	    (s.verifier = jo_proto_random(32)) == NULL ||
	    (cc = jo_proto_pkce_challenge(s.verifier)) == NULL) {
		jo_fail(r, JO_E_START, "no random bytes or digest");
		goto end;
	}
	if (jo_ck_state_set(r, &s) == -1) {
		jo_fail(r, JO_E_START, "cannot seal the state cookie");
		goto end;
	}
	loc = jo_proto_auth_url(&r->cfg, &p, s.st, s.nonce, cc,
	    jo_param_get(&r->q, "login_hint"),
	    how == JO_AUTH_PLAIN && jo_ck_out(r) ? JO_AUTH_RELOGIN : how);
	jo_resp_redirect(&r->resp, loc);
end:
	memset(&s.t, 0, sizeof(s.t));
	jo_ck_state_free(&s);
	jo_provider_free(&p);
	free(cc);
	free(loc);
}

