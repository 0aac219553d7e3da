/* route_authorize.c -- /authorize?room=R[&tenant=T] or ?state={json}:
 * check the room, then single sign-on with a live session (re-checked
 * with the provider when session_recheck says so: recheck.h), or a new
 * login (login.h).  With Jitsi's
 * nonce= (tokenAuthInline) it is the login popup: remembered in the
 * state and the session, it ends in a page that posts the token to
 * Jitsi.  Other parameters Jitsi adds (code_challenge, ...) are not
 * ours and are ignored. */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "login.h"
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

enum sso {
	SSO_DONE,	/* answered */
	SSO_NO,		/* no live session: a login */
	SSO_SILENT,	/* due a re-check, no refresh token: prompt=none */
};

/* A live session goes straight to /tokenize with the new room, keeping
 * its expiry and what was decided at login -- or, when the provider
 * last vouched for it longer than session_recheck ago, what a re-check
 * with its refresh token decides (recheck.h), or without one, a silent
 * login at the provider. */
static enum sso
sso(struct jo_req *r, const struct jo_target *t)
{
	struct jo_ck_session	 s;
	char			 why[600];
	enum sso		 rc = SSO_NO;

	if (jo_param_get(&r->ck, JO_CK_SESSION) == NULL ||
	    jo_ck_session_open(r, &s, why, sizeof(why)) == -1)
		return SSO_NO;
	if (!jo_ck_session_same_config(r, &s) || s.u.sub == NULL ||
	    s.exp <= r->now || !jo_ck_session_fits(r, &s))
		goto end;
	/* sent back by /tokenize as not checked recently enough, yet not
	 * due a check by this server's clock: the clocks of the servers
	 * behind one name differ by more than the leeway -- a loop
	 * otherwise */
	if (jo_param_get(&r->q, "recheck") != NULL && !jo_recheck_due(r, &s)) {
		jo_fail(r, JO_E_CLOCKS, "session of %.64s sent back by "
		    "/tokenize, but checked %lld s ago by this server's clock "
		    "(session_recheck %ld): the servers' clocks differ by more "
		    "than %d s, or their session_recheck settings differ",
		    s.u.sub, (long long)(r->now - s.ck),
		    (long)r->cfg.session_recheck, JO_STATE_TTL);
		rc = SSO_DONE;
		goto end;
	}
	if (jo_recheck_due(r, &s)) {
		switch (jo_recheck(r, &s, t)) {
		case JO_RECHECK_DONE:
			rc = SSO_DONE;
			goto end;
		case JO_RECHECK_ENDED:
			goto end;
		case JO_RECHECK_NONE:
			rc = SSO_SILENT;
			goto end;
		}
	}
	if (jo_route_to_tokenize(r, &s.u, t, s.exp, s.ck) == 0)
		rc = SSO_DONE;
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
	switch (sso_allowed(r, &t) ? sso(r, &t) : SSO_NO) {
	case SSO_DONE:
		break;
	case SSO_NO:
		jo_login_start(r, &t, JO_AUTH_PLAIN);
		break;
	case SSO_SILENT:
		jo_login_start(r, &t, JO_AUTH_SILENT);
		break;
	}
	jo_target_free(&t);
}
