/* login.c -- see login.h */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "login.h"
#include "oidc.h"
#include "util.h"

#define GUEST_DELAY	5	/* seconds before a refused user goes on */

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

int
jo_route_verify(struct jo_req *r, const struct jo_provider *p,
    struct jo_keys *ks, const char *idt, const char *nonce, const char *sub,
    struct jo_user *u, enum jo_err *e, char *why, size_t wl)
{
	struct jo_idt_expect	 x;
	enum jo_idt		 v;
	char			 why2[600];
	int			 k;

	memset(&x, 0, sizeof(x));
	x.issuer = r->cfg.issuer;
	x.issuer_template = p->issuer_template;
	x.tenants = r->cfg.allowed_tenants;
	x.client_id = r->cfg.client_id;
	x.nonce = nonce;
	x.sub = sub;
	x.now = r->now;
	x.secret = r->cfg.client_secret;
	x.algs = p->idt_algs;
	*e = JO_E_UNVERIFIED;
	v = jo_idtoken_verify(idt, ks, &x, u, why, wl);
	if (v == JO_IDT_UNKNOWN_KID) {
		jo_keys_free(ks);
		k = jo_jwks_load(&r->cfg, p, 1, ks, why2, sizeof(why2));
		if (k == -1) {
			*e = JO_E_NO_KEYS;
			jo_why(why + strlen(why), wl - strlen(why), "; "
			    "re-fetching the JWKS: %s", why2);
			return -1;
		}
		/* k == 1: fetched less than a minute ago, maybe by another
		 * process that saw the new key first: that copy is tried */
		v = jo_idtoken_verify(idt, ks, &x, u, why, wl);
		if (v == JO_IDT_UNKNOWN_KID && k == 1) {
			jo_why(why + strlen(why), wl - strlen(why), " (JWKS "
			    "fetched less than %d s ago, not fetched again)",
			    JO_JWKS_REFETCH_MIN);
			return -1;
		}
	}
	return v == JO_IDT_OK ? 0 : -1;
}

void
jo_route_refused(struct jo_req *r, const struct jo_target *t, const char *why)
{
	char	*text;

	jo_req_back(r, t, "unauthorized");
	jo_ck_clear(r, JO_CK_SESSION);
	/* at /redirect it never arrives (its Path is /authorize's) */
	jo_ck_clear(r, JO_CK_REFRESH);
	jo_log("403: access rule: %s", why);
	if (r->popup) {		/* Jitsi stays in the meeting, a guest */
		text = jo_xasprintf("You cannot join meetings here with this "
		    "account: %s.", why);
		jo_req_post(r, 403, "Access denied", text, 0, "oauth-error",
		    "error", text);
		free(text);
		return;
	}
	text = jo_xasprintf("You cannot join meetings here with this "
	    "account: %s.%s", why, r->cfg.guests ? " You will be taken to "
	    "the meeting as a guest." : "");
	if (r->cfg.guests) {
		r->resp.refresh = r->back;
		r->resp.refresh_after = GUEST_DELAY;
	}
	jo_resp_page(&r->resp, 403, "Access denied", text, r->back,
	    r->cfg.guests ? "Join as a guest" : "Back to the meeting room");
	free(text);
}

int
jo_route_to_tokenize(struct jo_req *r, const struct jo_user *u,
    const struct jo_target *t, time_t exp, time_t ck)
{
	char	*loc;

	if (jo_ck_session_set(r, u, t, exp, ck) == -1)
		return -1;
	/* the mark lets /tokenize answer the popup even when the session
	 * does not come back (cookies refused) */
	loc = jo_req_url(r, t->popup ? "tokenize?popup=1" : "tokenize");
	jo_resp_redirect(&r->resp, loc);
	free(loc);
	return 0;
}

void
jo_route_keep_refresh(struct jo_req *r, const char *sub, const char *rt,
    time_t exp)
{
	/* the previous one is deleted whether or not it came with this
	 * request (/redirect never receives it: its Path is /authorize's) */
	if (rt == NULL) {
		jo_ck_clear(r, JO_CK_REFRESH);
		return;
	}
	if (jo_ck_refresh_set(r, sub, rt, exp) == -1) {
		jo_log("refresh token of %zu bytes does not fit in a cookie: "
		    "not kept; the remembered login is re-checked with a "
		    "silent login (prompt=none)", strlen(rt));
		jo_ck_clear(r, JO_CK_REFRESH);
	}
}

void
jo_login_revoke(struct jo_req *r, const struct jo_provider *p,
    const char *rt, const char *what)
{
	struct jo_provider	 own = { 0 };
	char			 why[600];

	if (rt == NULL)
		return;
	if (p == NULL) {
		if (jo_discover(&r->cfg, &own, why, sizeof(why)) == -1) {
			jo_log("%s not revoked: %s", what, why);
			goto end;
		}
		p = &own;
	}
	if (p->revocation_endpoint != NULL &&
	    jo_proto_revoke(&r->cfg, p, rt, why, sizeof(why)) == -1)
		jo_log("%s not revoked: %s", what, why);
end:
	jo_provider_free(&own);
}
