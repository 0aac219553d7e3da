/* Unit tests: the routes called as main.c calls them, on a request built
 * in memory, the answer and the log read back through jo_io_set.  What
 * needs no provider: single sign-on at /authorize, /tokenize, the state
 * checks of /redirect, /logout started elsewhere, and the one answer a
 * route writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "config.h"
#include "cookie.h"
#include "profile.h"
#include "req.h"
#include "routes.h"
#include "util.h"

#define CONF \
	"issuer = http://127.0.0.1:9/idp\n" \
	"client_id = jitsi\n" \
	"client_secret = Vq3xK9fLm2Rt7YwB4nHc8ZpD\n" \
	"public_url = https://meet.example.org/oidc\n" \
	"jitsi_url = https://meet.example.org\n" \
	"jitsi_app_id = app\n" \
	"jitsi_app_secret = 7Kf2Qm9XvR4tLw8ZcN3pB6yH1dJ5sG0aUeTiOoWq\n" \
	"cookie_secret = Rb5Tn8Wq2Zx6Cv9Mk3Lp7Jh4Gf1Ds0AyEuIoPwSd\n" \
	"cache_dir = /nonexistent\n"

struct out {
	struct jo_buf	 resp;
	struct jo_buf	 log;
	int		 lines;
};

static void
capture(void *arg, int err, const char *p, size_t n)
{
	struct out	*o = arg;
	size_t		 i;

	jo_buf_add(err ? &o->log : &o->resp, p, n);
	if (err)
		for (i = 0; i < n; i++)
			o->lines += p[i] == '\n';
}

/* A request as serve() builds it: the configuration, the query, our
 * cookies, the Sec-Fetch-Site header. */
static void
req_init(struct jo_req *r, const char *query, const char *cookie,
    const char *site)
{
	char	 why[1024];

	memset(r, 0, sizeof(*r));
	r->now = time(NULL);
	r->fetch_site = site;
	if (jo_config_parse("test.conf", CONF, strlen(CONF), &r->cfg, why,
	    sizeof(why)) == -1)
		fail_msg("config: %s", why);
	if (jo_query_parse(query, &r->q, why, sizeof(why)) == -1)
		fail_msg("query: %s", why);
	if (jo_cookie_parse(cookie, jo_ck_names, &r->ck, why,
	    sizeof(why)) == -1)
		fail_msg("cookie: %s", why);
}

static void
req_free(struct jo_req *r)
{
	jo_params_free(&r->q);
	jo_params_free(&r->ck);
	jo_config_free(&r->cfg);
	free(r->back);
}

/* Run one route; the answer and the log land in o (NUL-terminated). */
static void
run(void (*fn)(struct jo_req *), struct jo_req *r, struct out *o)
{
	struct jo_io	 io = { capture, o };

	memset(o, 0, sizeof(*o));
	jo_io_set(&io);
	fn(r);
	jo_io_set(NULL);
	jo_buf_add(&o->resp, "", 1);
	jo_buf_add(&o->log, "", 1);
}

static void
out_free(struct out *o)
{
	jo_buf_free(&o->resp);
	jo_buf_free(&o->log);
}

/* The value of a Set-Cookie for name in an answer, or NULL. */
static char *
set_cookie(const char *resp, const char *name)
{
	char	 pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "Set-Cookie: %s=", name);
	if ((p = strstr(resp, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	return jo_xstrndup(p, strcspn(p, ";\r"));
}

/* A session for alice in t's room, last checked with the provider ago
 * seconds before now, sealed as /redirect seals it. */
static char *
alice_session_for(const struct jo_target *t, time_t ago)
{
	struct jo_req		 r;
	struct jo_user		 u = { 0 };
	struct out		 o;
	struct jo_io		 io = { capture, &o };
	char			*v;

	req_init(&r, "", NULL, NULL);
	u.sub = "alice";
	u.name = "Alice";
	memset(&o, 0, sizeof(o));
	jo_io_set(&io);
	assert_int_equal(jo_ck_session_set(&r, &u, t, r.now + 3600,
	    r.now - ago), 0);
	jo_resp_redirect(&r.resp, "https://meet.example.org/oidc/tokenize");
	jo_io_set(NULL);
	jo_buf_add(&o.resp, "", 1);
	v = set_cookie(o.resp.p, JO_CK_SESSION);
	assert_non_null(v);
	out_free(&o);
	req_free(&r);
	return v;
}

/* ... in room MyRoom, checked just now. */
static char *
alice_session(void)
{
	struct jo_target	 t = { 0 };

	t.room = "MyRoom";
	return alice_session_for(&t, 0);
}

static void
tokenize_without_session_is_401_and_one_log_line(void **st)
{
	struct jo_req	 r;
	struct out	 o;

	(void)st;
	req_init(&r, "", NULL, NULL);
	run(jo_route_tokenize, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 401"));
	assert_null(strstr(o.resp.p, "jwt="));
	assert_int_equal(o.lines, 1);
	out_free(&o);
	req_free(&r);
}

static void
tokenize_with_session_sends_the_token_in_the_hash(void **st)
{
	struct jo_req	 r;
	struct out	 o;
	char		*v = alice_session(), ck[4096];

	(void)st;
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, NULL);
	run(jo_route_tokenize, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 302"));
	assert_non_null(strstr(o.resp.p,
	    "Location: https://meet.example.org/MyRoom?oidc=ok#jwt=%22ey"));
	assert_int_equal(o.lines, 0);
	out_free(&o);
	req_free(&r);
	free(v);
}

static void
authorize_with_session_is_single_sign_on(void **st)
{
	struct jo_req	 r;
	struct out	 o;
	char		*v = alice_session(), *nv, ck[4096];

	(void)st;
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	/* the provider (port 9) is never asked: a live session */
	req_init(&r, "room=Other", ck, "same-origin");
	run(jo_route_authorize, &r, &o);
	assert_non_null(strstr(o.resp.p,
	    "Location: https://meet.example.org/oidc/tokenize\r\n"));
	nv = set_cookie(o.resp.p, JO_CK_SESSION);
	assert_non_null(nv);
	assert_string_not_equal(nv, v);		/* resealed for Other */
	out_free(&o);
	req_free(&r);
	free(nv);
	free(v);
}

static void
authorize_refuses_a_wildcard_room_before_the_provider(void **st)
{
	struct jo_req	 r;
	struct out	 o;

	(void)st;
	req_init(&r, "room=%2A", NULL, NULL);
	run(jo_route_authorize, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 400"));
	assert_null(strstr(o.resp.p, "Location:"));
	assert_int_equal(o.lines, 1);
	out_free(&o);
	req_free(&r);
}

static void
redirect_without_state_cookie_is_400_and_spends_nothing(void **st)
{
	struct jo_req	 r;
	struct out	 o;

	(void)st;
	req_init(&r, "code=abc&state=xyz", NULL, NULL);
	run(jo_route_redirect, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 400"));
	assert_null(strstr(o.resp.p, "Set-Cookie: " JO_CK_SESSION "="));
	assert_int_equal(o.lines, 1);
	out_free(&o);
	req_free(&r);
}

static void
logout_started_elsewhere_asks_first(void **st)
{
	struct jo_req	 r;
	struct out	 o;
	char		*v = alice_session(), ck[4096];

	(void)st;
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, "cross-site");
	run(jo_route_logout, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 200"));
	assert_non_null(strstr(o.resp.p, "Log out?"));
	assert_non_null(strstr(o.resp.p,
	    "href=\"https://meet.example.org/oidc/logout\""));
	assert_int_equal(o.lines, 1);
	/* the session is not touched */
	assert_null(strstr(o.resp.p, "Set-Cookie: " JO_CK_SESSION "="));
	out_free(&o);
	req_free(&r);
	free(v);
}

#define NONCE	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Jitsi's popup with a live session: /authorize reseals the session as
 * a popup's, and /tokenize posts the token to jitsi_url's origin. */
static void
popup_with_session_posts_the_token_to_jitsi(void **st)
{
	struct jo_req	 r;
	struct out	 o;
	char		*v = alice_session(), *nv, ck[4096];

	(void)st;
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "room=Other&code_challenge=x&nonce=" NONCE, ck, NULL);
	run(jo_route_authorize, &r, &o);
	assert_non_null(strstr(o.resp.p,
	    "Location: https://meet.example.org/oidc/tokenize?popup=1\r\n"));
	nv = set_cookie(o.resp.p, JO_CK_SESSION);
	assert_non_null(nv);
	out_free(&o);
	req_free(&r);
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, nv);
	req_init(&r, "", ck, NULL);
	run(jo_route_tokenize, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 200"));
	assert_null(strstr(o.resp.p, "Location:"));
	assert_non_null(strstr(o.resp.p, " data-to=\"opener\" data-origin="
	    "\"https://meet.example.org\" data-type=\"oauth-success\" "
	    "data-key=\"accessToken\" data-val=\"ey"));
	assert_int_equal(o.lines, 0);
	out_free(&o);
	req_free(&r);
	free(nv);
	free(v);
}

/* A popup's callback whose state cookie is gone: oauth-error, by the
 * state's mark. */
static void
popup_redirect_without_state_cookie_posts_oauth_error(void **st)
{
	struct jo_req	 r;
	struct out	 o;

	(void)st;
	req_init(&r, "code=abc&state=" JO_POPUP_MARK "xyz", NULL, NULL);
	run(jo_route_redirect, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 400"));
	assert_non_null(strstr(o.resp.p, " data-type=\"oauth-error\" "
	    "data-key=\"error\" data-val=\"This login was not started"));
	assert_int_equal(o.lines, 1);
	out_free(&o);
	req_free(&r);
}

/* Jitsi's hidden iframe: cookies cleared, logout-success posted to the
 * parent, the page framed by jitsi_url's origin only. */
static void
logout_in_jitsis_iframe_answers_at_once(void **st)
{
	struct jo_req	 r;
	struct out	 o;
	char		*v = alice_session(), ck[4096];

	(void)st;
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, "same-origin");
	r.fetch_dest = "iframe";
	run(jo_route_logout, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 200"));
	assert_null(strstr(o.resp.p, "Location:"));
	assert_non_null(strstr(o.resp.p,
	    "Set-Cookie: " JO_CK_SESSION "=; Max-Age=0"));
	assert_non_null(strstr(o.resp.p,
	    "frame-ancestors https://meet.example.org\r\n"));
	assert_non_null(strstr(o.resp.p, " data-to=\"parent\" data-origin="
	    "\"https://meet.example.org\" data-type=\"logout-success\">"));
	assert_int_equal(o.lines, 0);
	out_free(&o);
	req_free(&r);
	free(v);
}

/* A copy of a session the provider has not vouched for within
 * session_recheck (300 s here) plus the state's lifetime yields no token:
 * /tokenize sends it through /authorize, with its room, tenant, app, URL
 * options and popup, where the re-check runs; just within, a token. */
static void
tokenize_with_a_session_checked_long_ago_sends_it_to_be_checked(void **st)
{
	struct jo_target	 t = { 0 }, back;
	struct jo_req		 r;
	struct out		 o;
	const char		*loc, *q;
	char			*v, *state, ck[4096], why[200];
	size_t			 n;

	(void)st;
	t.room = "My Room";
	t.tenant = "acme";
	t.app = "ios";
	t.flags = "config.startWithAudioMuted=true&config.subject=%22Hi%20%5C%22you%5C%22%22";
	t.popup = 0;
	v = alice_session_for(&t, 300 + JO_STATE_TTL - 2);
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, NULL);
	run(jo_route_tokenize, &r, &o);
	/* the app's hand-back page, with the token */
	assert_non_null(strstr(o.resp.p, "Status: 200"));
	assert_non_null(strstr(o.resp.p, "jwt="));
	out_free(&o);
	req_free(&r);
	free(v);

	v = alice_session_for(&t, 300 + JO_STATE_TTL + 2);
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, NULL);
	run(jo_route_tokenize, &r, &o);
	assert_non_null(strstr(o.resp.p, "Status: 302"));
	assert_null(strstr(o.resp.p, "jwt="));
	loc = strstr(o.resp.p, "Location: https://meet.example.org/oidc/"
	    "authorize?state=");
	assert_non_null(loc);
	assert_null(strstr(loc, "nonce="));
	assert_int_equal(o.lines, 1);
	assert_non_null(strstr(o.log.p, "session of alice last checked "
	    "with the provider"));
	/* Jitsi's state, read back as /authorize reads it: the same */
	q = strchr(loc, '=') + 1;
	assert_int_equal(jo_pct_decode(q, strcspn(q, "\r&"), 0, &state, &n),
	    0);
	assert_int_equal(jo_jitsi_state(state, &back, why, sizeof(why)), 0);
	assert_string_equal(back.room, "My Room");
	assert_string_equal(back.tenant, "acme");
	assert_string_equal(back.app, "ios");
	assert_string_equal(back.flags, t.flags);
	jo_target_free(&back);
	free(state);
	out_free(&o);
	req_free(&r);
	free(v);

	/* a popup's goes back as a popup; a check far in the future is a
	 * clock gone back */
	t.app = NULL;
	t.flags = NULL;
	t.popup = 1;
	v = alice_session_for(&t, -(JO_STATE_TTL + 2));
	snprintf(ck, sizeof(ck), "%s=%s", JO_CK_SESSION, v);
	req_init(&r, "", ck, NULL);
	run(jo_route_tokenize, &r, &o);
	assert_non_null(strstr(o.resp.p, "/oidc/authorize?state="));
	assert_non_null(strstr(o.resp.p, "&nonce="));
	assert_null(strstr(o.resp.p, "accessToken"));
	out_free(&o);
	req_free(&r);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokenize_without_session_is_401_and_one_log_line),
		cmocka_unit_test(tokenize_with_session_sends_the_token_in_the_hash),
		cmocka_unit_test(tokenize_with_a_session_checked_long_ago_sends_it_to_be_checked),
		cmocka_unit_test(authorize_with_session_is_single_sign_on),
		cmocka_unit_test(authorize_refuses_a_wildcard_room_before_the_provider),
		cmocka_unit_test(redirect_without_state_cookie_is_400_and_spends_nothing),
		cmocka_unit_test(logout_started_elsewhere_asks_first),
		cmocka_unit_test(popup_with_session_posts_the_token_to_jitsi),
		cmocka_unit_test(popup_redirect_without_state_cookie_posts_oauth_error),
		cmocka_unit_test(logout_in_jitsis_iframe_answers_at_once),
	};

	return RUN(tests);
}
