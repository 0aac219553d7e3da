/* Unit tests: query and cookie parsing, header safety. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cgi.h"

static const char *const names[] = { "jitsi_oidc_state",
    "jitsi_oidc_session", NULL };

static void
query_decodes_keys_and_values(void **st)
{
	struct jo_params p;
	char		 why[256];

	(void)st;
	assert_int_equal(jo_query_parse("room=Caf%C3%A9%20Room&tenant=&flag&"
	    "&x=%2F&y=a+b", &p, why, sizeof(why)), 0);
	assert_string_equal(jo_param_get(&p, "room"), "Café Room");
	assert_string_equal(jo_param_get(&p, "tenant"), "");
	assert_string_equal(jo_param_get(&p, "flag"), "");
	assert_string_equal(jo_param_get(&p, "x"), "/");
	assert_string_equal(jo_param_get(&p, "y"), "a b");
	assert_null(jo_param_get(&p, "missing"));
	jo_params_free(&p);
	/* room and tenant come as they stand in the address bar (Jitsi's
	 * {room}, the nginx rule): '+' is a plus there */
	assert_int_equal(jo_query_parse("room=a+b&tenant=c+d%2Be", &p, why,
	    sizeof(why)), 0);
	assert_string_equal(jo_param_get(&p, "room"), "a+b");
	assert_string_equal(jo_param_get(&p, "tenant"), "c+d+e");
	jo_params_free(&p);
	assert_int_equal(jo_query_parse(NULL, &p, why, sizeof(why)), 0);
	assert_int_equal(p.n, 0);
}

static void
query_rejects_repeats_controls_and_bad_escapes(void **st)
{
	struct jo_params p;
	char		 why[256], *big;

	(void)st;
	assert_int_equal(jo_query_parse("state=a&code=b&state=a", &p, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "\"state\" repeated"));
	assert_int_equal(jo_query_parse("a=%0d%0a", &p, why, sizeof(why)), -1);
	assert_int_equal(jo_query_parse("a=%00", &p, why, sizeof(why)), -1);
	assert_int_equal(jo_query_parse("a\r=1", &p, why, sizeof(why)), -1);
	assert_int_equal(jo_query_parse("a=%G0", &p, why, sizeof(why)), -1);
	assert_int_equal(jo_query_parse("a=%7", &p, why, sizeof(why)), -1);
	big = malloc(JO_QUERY_MAX + 2);
	memset(big, 'a', JO_QUERY_MAX + 1);
	big[JO_QUERY_MAX + 1] = '\0';
	assert_int_equal(jo_query_parse(big, &p, why, sizeof(why)), -1);
	free(big);
}

static void
query_caps_the_parameter_count(void **st)
{
	struct jo_params p;
	struct jo_buf	 b = { 0 };
	char		 why[256];
	int		 i;

	(void)st;
	for (i = 0; i <= JO_PARAMS_MAX; i++)
		jo_buf_addf(&b, "k%d=v&", i);
	assert_int_equal(jo_query_parse(b.p, &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than"));
	jo_buf_free(&b);
}

static void
cookies_keep_only_ours(void **st)
{
	struct jo_params p;
	char		 why[256];

	(void)st;
	assert_int_equal(jo_cookie_parse("_session=x; jitsi_oidc_state=v1.abc;"
	    "jitsi_oidc_session = \"v1.def\" ; other", names, &p, why,
	    sizeof(why)), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(jo_param_get(&p, "jitsi_oidc_state"), "v1.abc");
	assert_string_equal(jo_param_get(&p, "jitsi_oidc_session"), "v1.def");
	assert_null(jo_param_get(&p, "_session"));
	jo_params_free(&p);
}

static void
cookies_keep_repeats_and_reject_oversize(void **st)
{
	struct jo_params p;
	struct jo_buf	 b = { 0 };
	char		 why[256];

	(void)st;
	/* every copy of a repeated cookie is kept (cookie tossing: the
	 * caller decides); past JO_COOKIE_MAX bytes of ours, without a
	 * value */
	assert_int_equal(jo_cookie_parse("jitsi_oidc_state=a; jitsi_oidc_state=b",
	    names, &p, why, sizeof(why)), 0);
	assert_int_equal(jo_param_count(&p, "jitsi_oidc_state"), 2);
	assert_string_equal(jo_param_nth(&p, "jitsi_oidc_state", 0), "a");
	assert_string_equal(jo_param_nth(&p, "jitsi_oidc_state", 1), "b");
	assert_null(jo_param_nth(&p, "jitsi_oidc_state", 2));
	jo_params_free(&p);
	for (int i = 0; i < 40; i++)
		jo_buf_addf(&b, "jitsi_oidc_state=%d; ", i);
	assert_int_equal(jo_cookie_parse(b.p, names, &p, why, sizeof(why)), 0);
	assert_int_equal(jo_param_count(&p, "jitsi_oidc_state"), 40);
	assert_string_equal(jo_param_nth(&p, "jitsi_oidc_state", 39), "39");
	jo_params_free(&p);
	jo_buf_free(&b);
	/* 20 copies of 4000 bytes: 16 fit in JO_COOKIE_MAX, 4 come
	 * without a value; other cookies, however large, are skipped */
	for (int i = 0; i < 20; i++) {
		jo_buf_adds(&b, "other=");
		for (int k = 0; k < 4000; k++)
			jo_buf_adds(&b, "y");
		jo_buf_adds(&b, "; jitsi_oidc_state=");
		for (int k = 0; k < 4000; k++)
			jo_buf_adds(&b, "x");
		jo_buf_adds(&b, "; ");
	}
	assert_int_equal(jo_cookie_parse(b.p, names, &p, why, sizeof(why)), 0);
	assert_int_equal(jo_param_count(&p, "jitsi_oidc_state"), 20);
	assert_non_null(jo_param_nth(&p, "jitsi_oidc_state", 15));
	assert_null(jo_param_nth(&p, "jitsi_oidc_state", 16));
	assert_null(jo_param_get(&p, "other"));
	jo_params_free(&p);
	jo_buf_free(&b);
	/* a copy too long or holding a control: kept without a value */
	jo_buf_adds(&b, "jitsi_oidc_state=");
	while (b.len < 5000)
		jo_buf_adds(&b, "x");
	jo_buf_adds(&b, "; jitsi_oidc_session=a\tb");
	assert_int_equal(jo_cookie_parse(b.p, names, &p, why, sizeof(why)), 0);
	assert_int_equal(jo_param_count(&p, "jitsi_oidc_state"), 1);
	assert_null(jo_param_get(&p, "jitsi_oidc_state"));
	assert_int_equal(jo_param_count(&p, "jitsi_oidc_session"), 1);
	assert_null(jo_param_get(&p, "jitsi_oidc_session"));
	jo_params_free(&p);
	jo_buf_free(&b);
}

static void
response_refuses_header_injection(void **st)
{
	struct jo_resp	 r = { 0 };

	(void)st;
	jo_resp_header(&r, "X-Test", "a\r\nSet-Cookie: evil=1");
	assert_true(r.bad);
	jo_resp_free(&r);
	memset(&r, 0, sizeof(r));
	jo_resp_cookie(&r, "c", "a;b", 10, "/", 1);
	assert_true(r.bad);
	jo_resp_free(&r);
	memset(&r, 0, sizeof(r));
	jo_resp_cookie(&r, "c", "v1.abc", 10, "/oidc", 1);
	assert_false(r.bad);
	assert_string_equal(r.hdrs.p, "Set-Cookie: c=v1.abc; Max-Age=10; "
	    "Path=/oidc; HttpOnly; SameSite=Lax; Secure\r\n");
	jo_resp_free(&r);
}

/* What jo_resp_post writes, captured. */
static void
capture(void *arg, int err, const char *s, size_t n)
{
	if (!err)
		jo_buf_add(arg, s, n);
}

static char *
post(const struct jo_post *m)
{
	struct jo_buf	 out = { 0 };
	struct jo_io	 io = { capture, &out };
	struct jo_resp	 r = { 0 };

	jo_io_set(&io);
	jo_resp_post(&r, 200, "T", "x", m);
	jo_io_set(NULL);
	return jo_buf_take(&out);
}

/* The popup's page: one script, named by its hash; the message only in
 * escaped attributes; an origin that could add a CSP source refused. */
static void
post_page_escapes_and_pins_its_origin(void **st)
{
	struct jo_post	 m = { "https://meet.example.org", 0, "oauth-error",
	    "error", "\"><script>alert(1)</script>" };
	char		*s;

	(void)st;
	s = post(&m);
	assert_non_null(strstr(s, "Status: 200 OK\r\n"));
	assert_non_null(strstr(s, "script-src 'sha256-"));
	assert_non_null(strstr(s, "frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\n"));
	assert_non_null(strstr(s, "Referrer-Policy: no-referrer\r\n"));
	assert_non_null(strstr(s, " data-origin=\"https://meet.example.org\""));
	assert_null(strstr(s, "<script>alert"));
	assert_non_null(strstr(s, "data-val=\"&quot;&gt;&lt;script&gt;"));
	free(s);
	m.parent = 1;
	s = post(&m);
	assert_non_null(strstr(s, "frame-ancestors https://meet.example.org\r\n"));
	assert_null(strstr(s, "X-Frame-Options"));
	assert_non_null(strstr(s, " data-to=\"parent\""));
	free(s);
	for (m.origin = "https://a.example; script-src *"; m.origin != NULL;
	    m.origin = strcmp(m.origin, "*") == 0 ? NULL : "*") {
		s = post(&m);
		assert_non_null(strstr(s, "Status: 500 "));
		assert_null(strstr(s, "data-"));
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_decodes_keys_and_values),
		cmocka_unit_test(query_rejects_repeats_controls_and_bad_escapes),
		cmocka_unit_test(query_caps_the_parameter_count),
		cmocka_unit_test(cookies_keep_only_ours),
		cmocka_unit_test(cookies_keep_repeats_and_reject_oversize),
		cmocka_unit_test(response_refuses_header_injection),
		cmocka_unit_test(post_page_escapes_and_pins_its_origin),
	};

	return RUN(tests);
}
