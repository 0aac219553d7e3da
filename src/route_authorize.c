/* route_authorize.c -- /authorize?room=R[&tenant=T] or ?state={json}:
 * check the room, then single sign-on with a live session, or a new
 * login: state, nonce and PKCE verifier sealed with the room in the
 * state cookie, and the browser sent to the provider.  With Jitsi's
 * nonce= (tokenAuthInline) it is the login popup: remembered in the
 * state and the session, it ends in a page that posts the token to
 * Jitsi.  Other parameters Jitsi adds (code_challenge, ...) are not
 * ours and are ignored. */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "oidc.h"
#include "proto.h"
#include "recheck.h"
#include "routes.h"
#include "util.h"

/* The room, from Jitsi's state or from room= and tenant=. */
static int
target(struct jo_req *r, struct jo_target *t, char *why, size_t wl)
{
	const char	*state;
	int		 rc;

	if ((state = jo_param_get(&r->q, "state")) != NULL)
		rc = jo_jitsi_state(state, t, why, wl);
	else
		rc = jo_target_set(t, jo_param_get(&r->q, "room"),
		    jo_param_get(&r->q, "tenant"), why, wl);
	if (rc == 0 && (rc = jo_target_check(&r->cfg, t, why, wl)) == -1)
		jo_target_free(t);
	return rc;
}

/* Single sign-on, except for a login the apps start (the token then
 * leaves the browser: the provider is always asked) and when the
 * configuration asks the provider to ask the user again (a prompt, or
 * max_age 0). */
static int
sso_allowed(const struct jo_req *r, const struct jo_target *t)
{
	const char	*p = r->cfg.prompt;

	return r->cfg.session_lifetime > 0 && r->cfg.max_age != 0 &&
	    t->app == NULL &&
	    !(p != NULL && (strstr(p, "login") != NULL ||
	    strstr(p, "select_account") != NULL ||
	    strstr(p, "consent") != NULL));
}

/* A live session goes straight to /tokenize with the new room, keeping
 * its expiry and what was decided at login -- or, when the provider
 * last vouched for it longer than session_recheck ago, what a re-check
 * with its refresh token decides (recheck.h).  -1: a login follows. */
static int
sso(struct jo_req *r, const struct jo_target *t)
{
	struct jo_ck_session	 s;
	char			 why[600];
	int			 rc = -1;

	if (jo_param_get(&r->ck, JO_CK_SESSION) == NULL ||
	    jo_ck_session_open(r, &s, why, sizeof(why)) == -1)
		return -1;
	if (!jo_ck_session_same_config(r, &s) || s.u.sub == NULL ||
	    s.exp <= r->now || s.exp > r->now + r->cfg.session_lifetime)
		goto end;
	if (jo_recheck_due(r, &s)) {
		switch (jo_recheck(r, &s, t)) {
		case JO_RECHECK_DONE:
			rc = 0;
			goto end;
		case JO_RECHECK_ENDED:
			goto end;
		case JO_RECHECK_NONE:
			break;
		}
	}
	rc = jo_route_to_tokenize(r, &s.u, t, s.exp, s.ck);
end:
	jo_ck_session_free(&s);
	return rc;
}

#define HINT_MAX	256

/* A login_hint passed on to the provider (the user's address, say, from
 * a portal's link): plain text of a sensible length.  Control
 * characters never get this far (cgi.c). */
static int
hint_ok(const char *h)
{
	return h == NULL || (*h != '\0' && strlen(h) <= HINT_MAX &&
	    jo_utf8_valid((const unsigned char *)h, strlen(h)));
}

/* A new login at the provider. */
static void
login(struct jo_req *r, struct jo_target *t)
{
	struct jo_provider	 p = { 0 };
	struct jo_ck_state	 s = { 0 };
	char			*cc = NULL, *loc = NULL, *rnd, why[600];

	if (jo_discover(&r->cfg, &p, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_PROVIDER_DOWN, "%s", why);
		goto end;
	}
	s.t = *t;	/* lent, not freed here */
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
	    jo_param_get(&r->q, "login_hint"), jo_ck_out(r));
	jo_resp_redirect(&r->resp, loc);
end:
	memset(&s.t, 0, sizeof(s.t));
	jo_ck_state_free(&s);
	jo_provider_free(&p);
	free(cc);
	free(loc);
}

/* Jitsi's login popup (nonce=, 64 hex digits from Jitsi; its value is
 * Jitsi's own): the token is posted to jitsi_url's origin and carried
 * in no URL, so the URL options and the app hand-back have no use. */
static void
popup(struct jo_req *r, struct jo_target *t)
{
	if (jo_param_get(&r->q, "nonce") == NULL)
		return;
	t->popup = r->popup = 1;
	free(t->flags);
	free(t->app);
	t->flags = t->app = NULL;
}

void
jo_route_authorize(struct jo_req *r)
{
	struct jo_target	 t = { 0 };
	char			 why[600];

	/* a bad room in a popup is answered in the popup */
	r->popup = jo_param_get(&r->q, "nonce") != NULL;
	if (target(r, &t, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_BAD_ROOM, "%s", why);
		return;
	}
	if (!hint_ok(jo_param_get(&r->q, "login_hint"))) {
		jo_fail(r, JO_E_BAD_REQUEST, "login_hint: longer than %d bytes "
		    "or not UTF-8", HINT_MAX);
		jo_target_free(&t);
		return;
	}
	/* Anyone can make a link that sends a logged-in user into a room
	 * -- also through Jitsi's own page, whose navigation here is then
	 * same-origin -- so no login carries the URL options that skip
	 * the prejoin screen or switch media on: only those that expose
	 * the user less than Jitsi's defaults. */
	jo_target_safe_flags(&t);
	jo_req_back(r, &t, "failed");
	popup(r, &t);
	if (!(sso_allowed(r, &t) && sso(r, &t) == 0))
		login(r, &t);
	jo_target_free(&t);
}
