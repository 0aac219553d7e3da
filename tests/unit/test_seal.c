/* Unit tests: sealing -- round trip, tamper of every byte region,
 * expiry, wrong purpose, wrong secret. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "seal.h"
#include "util.h"

static const char S1[] = "0123456789abcdef0123456789abcdef-one";
static const char S2[] = "0123456789abcdef0123456789abcdef-two";

static void
round_trip(void **st)
{
	char	*s, *p;
	size_t	 n;

	(void)st;
	s = jo_seal(S1, strlen(S1), "state", 2000, "{\"a\":1}", 7);
	assert_non_null(s);
	assert_int_equal(strncmp(s, "v1.", 3), 0);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1999, s, &p, &n),
	    JO_SEAL_OK);
	assert_int_equal(n, 7);
	assert_string_equal(p, "{\"a\":1}");
	free(p);
	free(s);
}

static void
two_seals_of_the_same_value_differ(void **st)
{
	char	*a, *b;

	(void)st;
	a = jo_seal(S1, strlen(S1), "state", 2000, "x", 1);
	b = jo_seal(S1, strlen(S1), "state", 2000, "x", 1);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void
every_byte_is_authenticated(void **st)
{
	unsigned char	*raw;
	size_t		 rawlen, i;
	char		*s, *b64, *t, *p;
	size_t		 n;

	(void)st;
	s = jo_seal(S1, strlen(S1), "session", 5000, "payload-bytes", 13);
	assert_int_equal(jo_b64url_decode(s + 3, strlen(s + 3), &raw, &rawlen), 0);
	/* version, expiry, iv, ciphertext, tag: flip one bit in each byte */
	for (i = 0; i < rawlen; i++) {
		raw[i] ^= 0x01;
		b64 = jo_b64url_encode(raw, rawlen);
		t = jo_xasprintf("v1.%s", b64);
		assert_int_not_equal(jo_unseal(S1, strlen(S1), "session", 10, t,
		    &p, &n), JO_SEAL_OK);
		assert_null(p);
		free(t);
		free(b64);
		raw[i] ^= 0x01;
	}
	free(raw);
	free(s);
}

static void
truncated_and_garbage_are_malformed(void **st)
{
	char	*s, *p;
	size_t	 n;

	(void)st;
	s = jo_seal(S1, strlen(S1), "state", 5000, "abc", 3);
	s[strlen(s) - 5] = '\0';
	assert_int_not_equal(jo_unseal(S1, strlen(S1), "state", 1, s, &p, &n),
	    JO_SEAL_OK);
	free(s);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1, "", &p, &n),
	    JO_SEAL_MALFORMED);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1, "v1.", &p, &n),
	    JO_SEAL_MALFORMED);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1, "v2.AAAA", &p,
	    &n), JO_SEAL_MALFORMED);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1, "v1.!!!!", &p,
	    &n), JO_SEAL_MALFORMED);
}

static void
expired_is_refused(void **st)
{
	char	*s, *p;
	size_t	 n;

	(void)st;
	s = jo_seal(S1, strlen(S1), "state", 1000, "abc", 3);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 1000, s, &p, &n),
	    JO_SEAL_EXPIRED);
	assert_int_equal(jo_unseal(S1, strlen(S1), "state", 999, s, &p, &n),
	    JO_SEAL_OK);
	free(p);
	free(s);
}

static void
wrong_purpose_or_secret_is_forged(void **st)
{
	char	*s, *p;
	size_t	 n;

	(void)st;
	s = jo_seal(S1, strlen(S1), "state", 1000, "abc", 3);
	assert_int_equal(jo_unseal(S1, strlen(S1), "session", 1, s, &p, &n),
	    JO_SEAL_FORGED);
	assert_int_equal(jo_unseal(S2, strlen(S2), "state", 1, s, &p, &n),
	    JO_SEAL_FORGED);
	free(s);
}

static void
size_cap_keeps_cookies_under_4k(void **st)
{
	char	*big, *s;

	(void)st;
	big = malloc(JO_SEAL_MAX_PLAIN + 1);
	memset(big, 'x', JO_SEAL_MAX_PLAIN + 1);
	assert_null(jo_seal(S1, strlen(S1), "state", 1000, big,
	    JO_SEAL_MAX_PLAIN + 1));
	s = jo_seal(S1, strlen(S1), "state", 1000, big, JO_SEAL_MAX_PLAIN);
	assert_non_null(s);
	assert_true(strlen(s) < 4000);
	free(s);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(two_seals_of_the_same_value_differ),
		cmocka_unit_test(every_byte_is_authenticated),
		cmocka_unit_test(truncated_and_garbage_are_malformed),
		cmocka_unit_test(expired_is_refused),
		cmocka_unit_test(wrong_purpose_or_secret_is_forged),
		cmocka_unit_test(size_cap_keeps_cookies_under_4k),
	};

	return RUN(tests);
}
