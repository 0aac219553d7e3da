/* Unit tests: discovery validation and JWK -> PEM conversion. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "idtoken.h"
#include "oidc.h"
#include "keys.h"

static int
parse(const char *s, struct jo_keys *ks, char *why, size_t wl)
{
	return jo_jwks_parse(s, strlen(s), ks, why, wl);
}

static void
rsa_and_ec_keys_become_their_own_pem(void **st)
{
	struct tkey	 r = tkey_new("RSA", 2048, "r1", "RS256");
	struct tkey	 e = tkey_new("EC", 0, "e1", NULL);
	struct jo_keys	 ks;
	char		*doc, why[256];

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s,%s]}", r.jwk, e.jwk);
	assert_int_equal(parse(doc, &ks, why, sizeof(why)), 0);
	assert_int_equal(ks.n, 2);
	assert_string_equal(ks.v[0].kid, "r1");
	assert_string_equal(ks.v[0].kty, "RSA");
	assert_string_equal(ks.v[0].alg, "RS256");
	assert_int_equal(ks.v[0].bits, 2048);
	assert_string_equal(ks.v[0].pem, r.pub_pem);
	assert_string_equal(ks.v[1].crv, "P-256");
	assert_null(ks.v[1].alg);
	assert_string_equal(ks.v[1].pem, e.pub_pem);
	jo_keys_free(&ks);
	free(doc);
	tkey_free(&r);
	tkey_free(&e);
}

static void
weak_rsa_keys_are_kept_without_pem(void **st)
{
	struct tkey	 r = tkey_new("RSA", 1024, "weak", "RS256");
	struct jo_keys	 ks;
	char		*doc, why[256];

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s]}", r.jwk);
	assert_int_equal(parse(doc, &ks, why, sizeof(why)), 0);
	assert_int_equal(ks.v[0].bits, 1024);
	assert_null(ks.v[0].pem);
	jo_keys_free(&ks);
	free(doc);
	tkey_free(&r);
}

static void
unusable_keys_are_skipped(void **st)
{
	struct jo_keys	 ks;
	char		 why[256];

	(void)st;
	assert_int_equal(parse("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
	    "{\"kty\":\"RSA\",\"n\":\"\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AAAA\",\"y\":\"AAAA\"},"
	    "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}, 3, null]}",
	    &ks, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no usable"));
	assert_int_equal(parse("{\"keys\":{}}", &ks, why, sizeof(why)), -1);
	assert_int_equal(parse("[]", &ks, why, sizeof(why)), -1);
	assert_int_equal(parse("{\"keys\":[]} trailing", &ks, why,
	    sizeof(why)), -1);
}

static void
ec_point_not_on_the_curve_never_verifies(void **st)
{
	struct tkey	 e = tkey_new("EC", 0, "e1", "ES256");
	struct jo_keys	 ks;
	struct jo_user	 u;
	struct jo_idt_expect x = { "https://i", "jitsi", "n", 1800000000 };
	char		*doc, *p, *tok, why[256];

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s]}", e.jwk);
	p = strstr(doc, "\"y\":\"") + 5;
	*p = *p == 'A' ? 'B' : 'A';
	/* kept (the conversion is plain DER encoding) ... */
	assert_int_equal(parse(doc, &ks, why, sizeof(why)), 0);
	/* ... but OpenSSL refuses the point when a signature is checked */
	tok = tsign("{\"iss\":\"https://i\",\"aud\":\"jitsi\",\"sub\":\"s\","
	    "\"nonce\":\"n\",\"iat\":1800000000,\"exp\":1800000100}",
	    JWT_ALG_ES256, e.priv_pem, "e1");
	assert_int_equal(jo_idtoken_verify(tok, &ks, &x, &u, why, sizeof(why)),
	    JO_IDT_BAD);
	assert_non_null(strstr(why, "signature does not verify"));
	free(tok);
	jo_keys_free(&ks);
	free(doc);
	tkey_free(&e);
}

static void
discovery_issuer_must_match_exactly(void **st)
{
	struct jo_provider p;
	char		   why[512];
	const char	  *doc = "{\"issuer\":\"https://idp.example.com\","
	    "\"authorization_endpoint\":\"https://idp.example.com/auth\","
	    "\"token_endpoint\":\"https://idp.example.com/token\","
	    "\"jwks_uri\":\"https://idp.example.com/jwks\"}";

	(void)st;
	assert_int_equal(jo_discovery_parse("https://idp.example.com", doc,
	    strlen(doc), &p, why, sizeof(why)), 0);
	assert_string_equal(p.token_endpoint, "https://idp.example.com/token");
	assert_null(p.end_session_endpoint);
	jo_provider_free(&p);
	assert_int_equal(jo_discovery_parse("https://idp.example.com/", doc,
	    strlen(doc), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "does not match the configured issuer"));
	assert_int_equal(jo_discovery_parse("https://other.example.com", doc,
	    strlen(doc), &p, why, sizeof(why)), -1);
}

static void
discovery_endpoints_must_be_safe_urls(void **st)
{
	struct jo_provider p;
	char		   why[512];
	const char	  *doc = "{\"issuer\":\"https://i\","
	    "\"authorization_endpoint\":\"http://evil.example/auth\","
	    "\"token_endpoint\":\"https://i/token\",\"jwks_uri\":\"https://i/j\"}";
	const char	  *nojwks = "{\"issuer\":\"https://i\","
	    "\"authorization_endpoint\":\"https://i/auth\","
	    "\"token_endpoint\":\"https://i/token\"}";

	(void)st;
	assert_int_equal(jo_discovery_parse("https://i", doc, strlen(doc), &p,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "authorization_endpoint"));
	assert_int_equal(jo_discovery_parse("https://i", nojwks,
	    strlen(nojwks), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "jwks_uri"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsa_and_ec_keys_become_their_own_pem),
		cmocka_unit_test(weak_rsa_keys_are_kept_without_pem),
		cmocka_unit_test(unusable_keys_are_skipped),
		cmocka_unit_test(ec_point_not_on_the_curve_never_verifies),
		cmocka_unit_test(discovery_issuer_must_match_exactly),
		cmocka_unit_test(discovery_endpoints_must_be_safe_urls),
	};

	return RUN(tests);
}
