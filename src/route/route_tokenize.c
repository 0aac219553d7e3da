/* route_tokenize.c -- /tokenize: the Jitsi token for the session's user
 * and room, and the browser sent into the room with it (or, for a login
 * an app started, a page whose button hands it back to the app; for
 * Jitsi's login popup, a page that posts it to Jitsi). */
#include <stdlib.h>
#include <string.h>

#include "cookie.h"
#include "routes.h"
#include "util.h"

/* Has the provider vouched for this session recently enough for a
 * token?  /authorize re-checks a session older than session_recheck
 * before it sends the browser here; a copy of the cookie kept back
 * (devtools, curl, a tab never redirected) comes here directly, and
 * after session_recheck plus JO_STATE_TTL -- the leeway a login has at
 * the provider, and room for servers whose clocks differ by less --
 * it yields no more tokens.  A check in the future by more than that
 * is a clock gone back: not trusted either. */
static int
vouched(const struct jo_req *r, const struct jo_ck_session *s)
{
	return s->ck > 0 && s->ck <= r->now + JO_STATE_TTL &&
	    r->now - s->ck <= r->cfg.session_recheck + JO_STATE_TTL;
}

/* Back through /authorize with everything the session carries (room,
 * tenant, app, URL options as Jitsi's state; the popup as Jitsi's
 * nonce=), where the re-check with the provider runs. */
static void
again(struct jo_req *r, const struct jo_ck_session *s)
{
	struct jo_buf	 b = { 0 };
	char		*state;

	state = jo_target_state(&s->t);
	jo_buf_addf(&b, "%s/authorize?state=", r->cfg.public_url);
	jo_pct_encode(&b, state, strlen(state), 0);
	if (s->t.popup)
		jo_buf_adds(&b, "&nonce=recheck");
	/* the mark that /authorize must check it, not send it back */
	jo_buf_adds(&b, "&recheck=1");
	jo_log("session of %.64s last checked with the provider %lld s "
	    "ago (session_recheck %ld): sent through /authorize to be "
	    "checked again", s->u.sub, (long long)(r->now - s->ck),
	    (long)r->cfg.session_recheck);
	jo_resp_redirect(&r->resp, b.p);
	jo_buf_free(&b);
	free(state);
}

/* The session, fit for a token: its user, its room (checked when it was
 * sealed; again, cheaply), made under this configuration, vouched for
 * by the provider recently enough (else sent to be re-checked: 1). */
static int
session(struct jo_req *r, struct jo_ck_session *s)
{
	char	 why[600];

	r->popup = jo_param_get(&r->q, "popup") != NULL;
	if (jo_ck_session_open(r, s, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_NOT_LOGGED_IN, "%s", why);
		return -1;
	}
	if (s->u.sub == NULL || s->t.room == NULL) {
		jo_fail(r, JO_E_NOT_LOGGED_IN, "session cookie lacks sub or "
		    "room");
		return -1;
	}
	if (!jo_ck_session_fits(r, s)) {
		jo_fail(r, JO_E_NOT_LOGGED_IN, "session cookie lasts longer "
		    "than this configuration makes them (session_lifetime "
		    "lowered?)");
		return -1;
	}
	if (!jo_ck_session_same_config(r, s)) {
		jo_fail(r, JO_E_NOT_LOGGED_IN, "session cookie made under "
		    "another configuration (provider, client, Jitsi app or "
		    "rules)");
		return -1;
	}
	if (jo_room_valid(s->t.room, why, sizeof(why)) == -1 ||
	    (s->t.tenant != NULL && jo_room_valid(s->t.tenant, why,
	    sizeof(why)) == -1) ||
	    jo_target_check(&r->cfg, &s->t, why, sizeof(why)) == -1) {
		jo_fail(r, JO_E_NOT_LOGGED_IN, "session cookie holds an "
		    "invalid room");
		return -1;
	}
	/* the sealed session, not the query, decides where a token goes */
	r->popup = s->t.popup;
	if (!vouched(r, s)) {
		again(r, s);
		return 1;
	}
	return 0;
}

/* The app opened the login in a browser: the token goes back through
 * its own scheme when the user taps it -- never by itself, since a link
 * and a provider that answers silently would be enough to push a token
 * into whatever app claims the scheme. */
static void
to_app(struct jo_req *r, const struct jo_target *t, const char *tok)
{
	char	*app, *web;

	app = jo_jitsi_app_url(&r->cfg, t, tok);
	web = jo_jitsi_url_token(&r->cfg, t, tok);
	r->resp.alt = web;
	r->resp.alttext = "Continue in this browser instead";
	jo_resp_page(&r->resp, 200, "Back to the app", "You are logged in. "
	    "Tap the button to go back to the Jitsi Meet app.", app,
	    "Open the meeting in the app");
	free(app);
	free(web);
}

/* Jitsi's login popup: the token posted to the window that opened it,
 * at jitsi_url's origin only (a page of another origin that opened the
 * popup receives nothing), and the popup closes.  Not in a URL, so in
 * no log and no Referer. */
static void
to_popup(struct jo_req *r, const char *tok)
{
	jo_req_post(r, 200, "Logged in", "You are logged in. The meeting "
	    "closes this window; if it stays open, close it and go back to "
	    "the meeting.", 0, "oauth-success", "accessToken", tok);
}

void
jo_route_tokenize(struct jo_req *r)
{
	struct jo_ck_session	 s;
	char			*tok = NULL, *loc, why[600];

	if (session(r, &s) != 0)
		goto end;
	if ((tok = jo_jitsi_token(&r->cfg, &s.u, &s.t, r->now, why,
	    sizeof(why))) == NULL) {
		jo_req_back(r, &s.t, "failed");
		jo_fail(r, JO_E_TOKEN, "%s", why);
		goto end;
	}
	if (r->popup) {		/* the session's, set by session() */
		to_popup(r, tok);
		goto end;
	}
	if (s.t.app != NULL) {
		to_app(r, &s.t, tok);
		goto end;
	}
	loc = jo_jitsi_url_token(&r->cfg, &s.t, tok);
	jo_resp_redirect(&r->resp, loc);
	free(loc);
end:
	jo_ck_session_free(&s);
	free(tok);
}
