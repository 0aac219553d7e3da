/* Unit tests: encodings, URL checks, constant-time compare, UTF-8. */
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "url.h"
#include "util.h"

static void
b64url_round_trips_every_length(void **st)
{
	unsigned char	 in[64], *out;
	size_t		 n, len;
	char		*enc;

	(void)st;
	for (n = 0; n < sizeof(in); n++)
		in[n] = (unsigned char)(n * 37 + 11);
	for (n = 0; n <= sizeof(in); n++) {
		enc = jo_b64url_encode(in, n);
		assert_null(strpbrk(enc, "+/="));
		assert_int_equal(jo_b64url_decode(enc, strlen(enc), &out, &len), 0);
		assert_int_equal(len, n);
		assert_memory_equal(out, in, n);
		free(out);
		free(enc);
	}
}

static void
b64url_decode_is_strict(void **st)
{
	unsigned char	*out;
	size_t		 len;

	(void)st;
	assert_int_equal(jo_b64url_decode("YW=", 3, &out, &len), -1);
	assert_int_equal(jo_b64url_decode("Y W", 3, &out, &len), -1);
	assert_int_equal(jo_b64url_decode("YW+v", 4, &out, &len), -1);
	assert_int_equal(jo_b64url_decode("Y", 1, &out, &len), -1);
	/* non-canonical trailing bits */
	assert_int_equal(jo_b64url_decode("YR", 2, &out, &len), -1);
	assert_int_equal(jo_b64url_decode("YQ", 2, &out, &len), 0);
	assert_string_equal((char *)out, "a");
	free(out);
}

static void
pct_decode_handles_plus_and_rejects_bad_escapes(void **st)
{
	char	*out;
	size_t	 len;

	(void)st;
	assert_int_equal(jo_pct_decode("a+b%20c%2F", 10, 1, &out, &len), 0);
	assert_string_equal(out, "a b c/");
	free(out);
	assert_int_equal(jo_pct_decode("a+b", 3, 0, &out, &len), 0);
	assert_string_equal(out, "a+b");
	free(out);
	assert_int_equal(jo_pct_decode("%", 1, 1, &out, &len), -1);
	assert_int_equal(jo_pct_decode("%4", 2, 1, &out, &len), -1);
	assert_int_equal(jo_pct_decode("%zz", 3, 1, &out, &len), -1);
	assert_int_equal(jo_pct_decode("a%00b", 5, 1, &out, &len), 0);
	assert_int_equal(len, 3);
	free(out);
}

static void
pct_encode_matches_encodeURIComponent(void **st)
{
	struct jo_buf	 b = { 0 };

	(void)st;
	jo_pct_encode(&b, "Café Room/?#!~*'()-_.", strlen("Café Room/?#!~*'()-_."), 0);
	assert_string_equal(b.p, "Caf%C3%A9%20Room%2F%3F%23!~*'()-_.");
	jo_buf_free(&b);
	jo_pct_encode(&b, "é", 2, 1);
	assert_string_equal(b.p, "%c3%a9");
	jo_buf_free(&b);
}

static void
html_escape_neutralises_markup(void **st)
{
	struct jo_buf	 b = { 0 };

	(void)st;
	jo_html_escape(&b, "<a href=\"x\">'&'</a>\r\n");
	assert_string_equal(b.p, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;"
	    "&lt;/a&gt;&#xfffd;&#xfffd;");
	jo_buf_free(&b);
}

static void
url_ok_allows_https_and_loopback_http_only(void **st)
{
	(void)st;
	assert_int_equal(jo_url_ok("https://idp.example.com/realms/x", NULL, 0), 0);
	assert_int_equal(jo_url_ok("http://127.0.0.1:9000", NULL, 0), 0);
	assert_int_equal(jo_url_ok("http://127.1.2.3/x", NULL, 0), 0);
	assert_int_equal(jo_url_ok("http://localhost:8080/", NULL, 0), 0);
	assert_int_equal(jo_url_ok("http://[::1]:8080/", NULL, 0), 0);
	assert_int_equal(jo_url_ok("http://idp.example.com", NULL, 0), -1);
	assert_int_equal(jo_url_ok("http://127.0.0.1.evil.com/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("http://localhost.evil.com/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("http://127.0.0.1@evil.com/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("https://a@b/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("https://a b/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("https://a/\r\n", NULL, 0), -1);
	assert_int_equal(jo_url_ok("ftp://a/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("https://", NULL, 0), -1);
	assert_int_equal(jo_url_ok("https://a:x/", NULL, 0), -1);
	assert_int_equal(jo_url_ok("javascript:alert(1)", NULL, 0), -1);
}

static void
url_host_and_path(void **st)
{
	char	*s;

	(void)st;
	s = jo_url_host("https://meet.example.org:8443/x");
	assert_string_equal(s, "meet.example.org");
	free(s);
	s = jo_url_path("https://meet.example.org");
	assert_string_equal(s, "/");
	free(s);
	s = jo_url_path("https://meet.example.org/oidc");
	assert_string_equal(s, "/oidc");
	free(s);
}

/* The origin as a browser writes it (postMessage's event.origin). */
static void
url_origin_as_the_browser_writes_it(void **st)
{
	static const char *const cases[][2] = {
		{ "https://Meet.Example.ORG/x?y#z", "https://meet.example.org" },
		{ "https://meet.example.org:443", "https://meet.example.org" },
		{ "https://meet.example.org:4430/", "https://meet.example.org:4430" },
		{ "http://127.0.0.1:80/oidc", "http://127.0.0.1" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "http://[::1]:9000/a", "http://[::1]:9000" },
		{ "https://meet.example.org:80", "https://meet.example.org:80" },
	};
	size_t	 i;
	char	*s;

	(void)st;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = jo_url_origin(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
	assert_null(jo_url_origin("ftp://meet.example.org/"));
	assert_null(jo_url_origin("https://"));
}

static void
ct_equal_compares_whole_strings(void **st)
{
	(void)st;
	assert_true(jo_ct_equal("abc", "abc"));
	assert_false(jo_ct_equal("abc", "abd"));
	assert_false(jo_ct_equal("abc", "ab"));
	assert_false(jo_ct_equal("ab", "abc"));
	assert_false(jo_ct_equal("", ""));
	assert_false(jo_ct_equal(NULL, "a"));
}

static void
utf8_validation(void **st)
{
	(void)st;
	assert_true(jo_utf8_valid((const unsigned char *)"Café åäö", strlen("Café åäö")));
	assert_false(jo_utf8_valid((const unsigned char *)"\xc3\x28", 2));
	assert_false(jo_utf8_valid((const unsigned char *)"\xc0\xaf", 2));
	assert_false(jo_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));
	assert_false(jo_utf8_valid((const unsigned char *)"\xc3", 1));
	assert_false(jo_utf8_valid((const unsigned char *)"\xc2\x85", 2));
}

/* The random pool: bytes are never handed out twice, not even to a
 * forked child (the page is wiped on fork). */
static void
random_bytes_differ_across_fork(void **st)
{
	unsigned char	 a[32], b[32], first[16];
	int		 fd[2], status;
	pid_t		 pid;

	(void)st;
	assert_int_equal(jo_random(first, sizeof(first)), 0);	/* pool filled */
	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		if (jo_random(b, sizeof(b)) != 0 || write(fd[1], b, sizeof(b)) != (ssize_t)sizeof(b))
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(jo_random(a, sizeof(a)), 0);
	assert_int_equal(read(fd[0], b, sizeof(b)), (ssize_t)sizeof(b));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_memory_not_equal(a, b, sizeof(a));
	close(fd[0]);
	close(fd[1]);
}

/* jo_log: one bounded line, everything hidden or not UTF-8 escaped. */
static char	 logged[4096];
static size_t	 nlogged;

static void
capture(void *arg, int err, const char *p, size_t len)
{
	(void)arg;
	(void)err;
	if (nlogged + len < sizeof(logged)) {
		memcpy(logged + nlogged, p, len);
		nlogged += len;
		logged[nlogged] = '\0';
	}
}

static void
log_escapes_and_bounds(void **st)
{
	static const struct jo_io io = { capture, NULL };
	char	 big[3000];

	(void)st;
	jo_io_set(&io);
	jo_log_route("t");
	nlogged = 0;
	jo_log("%s", "a\xe2\x80\xae" "b\xc2\x85" "c\xc2\x9b" "d\x9b" "e\xe2\x81\xa6"
	    "f\xe2\x80\xa8" "g\xd8\x9c" "h\xe2\x80\x8f" "i\xc3\xa9" "j\xed\xa0\x80"
	    "k\xe2\x80" "\\");
	assert_string_equal(logged, "jitsi-oidc: t: a\\u{202e}b\\u{0085}"
	    "c\\u{009b}d\\x9be\\u{2066}f\\u{2028}g\\u{061c}h\\u{200f}i\xc3\xa9"
	    "j\\xed\\xa0\\x80k\\xe2\\x80\\\\\n");
	nlogged = 0;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[490] = '\xe2';	/* a character across the bound is not cut */
	big[491] = '\x80';
	big[492] = '\xae';
	jo_log("%s", big);
	assert_true(nlogged <= JO_LOG_MAX);
	assert_string_equal(logged + nlogged - 6, "[...]\n");
	assert_null(memchr(logged, '\n', nlogged - 1));
	jo_io_set(NULL);
}

static void
rtrim_len_drops_trailing_blanks_only(void **st)
{
	(void)st;
	assert_int_equal(jo_rtrim_len(NULL), 0);
	assert_int_equal(jo_rtrim_len(""), 0);
	assert_int_equal(jo_rtrim_len(" \t\r\n "), 0);
	assert_int_equal(jo_rtrim_len("consent not given  "), 17);
	assert_int_equal(jo_rtrim_len("  lead\tkept"), 11);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_escapes_and_bounds),
		cmocka_unit_test(b64url_round_trips_every_length),
		cmocka_unit_test(b64url_decode_is_strict),
		cmocka_unit_test(pct_decode_handles_plus_and_rejects_bad_escapes),
		cmocka_unit_test(pct_encode_matches_encodeURIComponent),
		cmocka_unit_test(html_escape_neutralises_markup),
		cmocka_unit_test(url_ok_allows_https_and_loopback_http_only),
		cmocka_unit_test(url_host_and_path),
		cmocka_unit_test(url_origin_as_the_browser_writes_it),
		cmocka_unit_test(ct_equal_compares_whole_strings),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(random_bytes_differ_across_fork),
		cmocka_unit_test(rtrim_len_drops_trailing_blanks_only),
	};

	return RUN(tests);
}
