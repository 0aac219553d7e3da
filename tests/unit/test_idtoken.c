/* Unit tests: ID token verification -- signature, pinned algorithms,
 * key selection, every claim check (checklist items 1-9, 11); HS* keyed
 * with the client secret (signed here by libjwt), PS* (signed by node's
 * crypto and jose: pss-vectors.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "idtoken.h"
#include "keys.h"
#include "pss-vectors.h"

#define NOW	1800000000L
#define ISS	"https://idp.example.com"

static struct tkey rsa, ec, rsa2;
static struct jo_keys keys;

static int
setup(void **st)
{
	char	*doc, why[256];

	(void)st;
	rsa = tkey_new("RSA", 2048, "r1", "RS256");
	ec = tkey_new("EC", 0, "e1", "ES256");
	rsa2 = tkey_new("RSA", 2048, "r2", NULL);
	doc = jo_xasprintf("{\"keys\":[%s,%s]}", rsa.jwk, ec.jwk);
	if (jo_jwks_parse(doc, strlen(doc), &keys, why, sizeof(why)) != 0)
		return -1;
	free(doc);
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	jo_keys_free(&keys);
	tkey_free(&rsa);
	tkey_free(&ec);
	tkey_free(&rsa2);
	return 0;
}

static const struct jo_idt_expect X = { ISS, "jitsi", "n0nce", NOW, NULL,
    NULL, NULL, NULL, NULL };

static char *
claims(const char *extra)
{
	return jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"sub\":\"alice\",\"nonce\":\"n0nce\",\"iat\":%ld,\"exp\":%ld,"
	    "\"name\":\"Alice\",\"email\":\"alice@example.org\"%s%s}",
	    NOW, NOW + 300, extra ? "," : "", extra ? extra : "");
}

static enum jo_idt
verify(const char *tok, char *why, size_t wl)
{
	struct jo_user	 u;
	enum jo_idt	 r;

	r = jo_idtoken_verify(tok, &keys, &X, &u, why, wl);
	jo_user_free(&u);
	return r;
}

static void
good_rs256_and_es256_tokens_verify(void **st)
{
	struct jo_user	 u;
	char		*c = claims(NULL), *t, why[512] = "";

	(void)st;
	t = tsign(c, JWT_ALG_RS256, rsa.priv_pem, "r1");
	assert_int_equal(jo_idtoken_verify(t, &keys, &X, &u, why, sizeof(why)),
	    JO_IDT_OK);
	assert_string_equal(u.sub, "alice");
	assert_string_equal(u.name, "Alice");
	assert_string_equal(u.email, "alice@example.org");
	jo_user_free(&u);
	free(t);
	t = tsign(c, JWT_ALG_ES256, ec.priv_pem, "e1");
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_OK);
	free(t);
	/* checklist 11: no kid, several keys -> those that fit are tried */
	t = tsign(c, JWT_ALG_ES256, ec.priv_pem, NULL);
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_OK);
	free(t);
	t = tsign(c, JWT_ALG_RS256, rsa.priv_pem, NULL);
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_OK);
	free(t);
	free(c);
}

static void
item1_bad_signature_is_rejected(void **st)
{
	char	*c = claims(NULL), *t, why[512];

	(void)st;
	/* signed by another RSA key under the known kid */
	t = tsign(c, JWT_ALG_RS256, rsa2.priv_pem, "r1");
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "signature does not verify"));
	free(t);
	/* one signature byte changed */
	t = tsign(c, JWT_ALG_RS256, rsa.priv_pem, "r1");
	t[strlen(t) - 5] = t[strlen(t) - 5] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	free(t);
	free(c);
}

static void
item2_alg_none_or_missing_is_rejected(void **st)
{
	char	*c = claims(NULL), *p, *t, why[512];

	(void)st;
	p = jo_b64url_encode((unsigned char *)c, strlen(c));
	t = jo_xasprintf("eyJhbGciOiJub25lIn0.%s.", p);	/* {"alg":"none"} */
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	free(t);
	t = jo_xasprintf("eyJhbGciOiJub25lIn0.%s.AAAA", p);
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "alg \"none\" not accepted"));
	free(t);
	t = jo_xasprintf("e30.%s.AAAA", p);	/* {} */
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "alg missing"));
	free(t);
	free(p);
	free(c);
}

static void
item3_hs256_with_the_public_key_is_rejected(void **st)
{
	char	*c = claims(NULL), *t, why[512];

	(void)st;
	/* Algorithm confusion: libjwt 1.10 alone would accept this. */
	t = tsign(c, JWT_ALG_HS256, rsa.pub_pem, "r1");
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "alg \"HS256\" not accepted"));
	free(t);
	/* an RS256 header on an EC key: the key type must match */
	t = tsign(c, JWT_ALG_ES256, ec.priv_pem, "r1");
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "does not fit alg ES256"));
	free(t);
	free(c);
}

static void
expect_claims_fail(const char *json, const char *msg)
{
	struct jo_user	 u;
	char		 why[512] = "";

	if (jo_idtoken_claims(json, strlen(json), &X, &u, why,
	    sizeof(why)) != -1)
		fail_msg("accepted: %s", json);
	if (strstr(why, msg) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", msg, why);
}

static char *
with(const char *drop, const char *extra)
{
	char	*c = claims(extra), *p, *e;

	if (drop != NULL) {
		/* remove "drop":value, */
		p = strstr(c, drop);
		e = strchr(p, ',');
		memmove(p, e + 1, strlen(e + 1) + 1);
	}
	return c;
}

static void
claim_case(const char *drop, const char *extra, const char *msg)
{
	char	*c = with(drop, extra);

	expect_claims_fail(c, msg);
	free(c);
}

static void
item4_iss(void **st)
{
	(void)st;
	claim_case("\"iss\"", NULL, "iss (missing) does not match");
	expect_claims_fail("{\"iss\":\"https://evil.example\",\"aud\":\"jitsi\"}",
	    "iss (https://evil.example) does not match");
}

static void
item5_aud_and_azp(void **st)
{
	char	*c;
	struct jo_user u;
	char	 why[256];

	(void)st;
	claim_case("\"aud\"", NULL, "aud missing");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"other\"}",
	    "aud (other) does not match");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":[\"a\",\"b\"]}",
	    "does not contain our client_id");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":[\"jitsi\",\"b\"]}",
	    "2 audiences and no azp");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":[\"jitsi\",1]}",
	    "non-string");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":7}", "neither");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"azp\":\"evil\"}", "azp (evil) is not our client_id");
	/* several audiences with our azp are fine */
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":[\"jitsi\",\"b\"],"
	    "\"azp\":\"jitsi\",\"sub\":\"s\",\"nonce\":\"n0nce\",\"iat\":%ld,"
	    "\"exp\":%ld}", NOW, NOW + 60);
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &X, &u, why,
	    sizeof(why)), 0);
	jo_user_free(&u);
	free(c);
}

static void
item6_sub(void **st)
{
	(void)st;
	claim_case("\"sub\"", NULL, "sub missing");
}

static void
item7_iat(void **st)
{
	char	 e[64];

	(void)st;
	claim_case("\"iat\"", NULL, "iat missing");
	snprintf(e, sizeof(e), "\"iat\":%ld", NOW + JO_IAT_SKEW + 1);
	{
		char *c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
		    "\"exp\":%ld,%s}", NOW + 3000, e);
		expect_claims_fail(c, "iat is 601 s off our clock");
		free(c);
	}
	{
		char *c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
		    "\"exp\":%ld,\"iat\":%ld}", NOW + 3000, NOW - 601);
		expect_claims_fail(c, "iat is -601 s off");
		free(c);
	}
	{
		char *c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
		    "\"exp\":%ld,\"iat\":\"%ld\"}", NOW + 3000, NOW);
		expect_claims_fail(c, "iat is not a valid number");
		free(c);
	}
}

static void
item8_exp(void **st)
{
	char	*c;

	(void)st;
	claim_case("\"exp\"", NULL, "exp missing");
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld}",
	    NOW);
	expect_claims_fail(c, "expired 0 s ago");	/* no leeway */
	free(c);
	/* expired because our clock is ahead: the log line names the skew */
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":%ld}", NOW - 360, NOW - 660);
	expect_claims_fail(c, "iat is -660 s off our clock (allowed skew 600 s)");
	free(c);
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":%ld}", NOW - 100, NOW - 400);
	expect_claims_fail(c, "expired 100 s ago (exp");
	expect_claims_fail(c, "issued 400 s ago by our clock, yet just "
	    "received: is a clock off?)");
	free(c);
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":\"1900000000\"}", "exp is not a valid number");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":1e300}", "exp is not a valid number");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":99999999999999999999}", "exp");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":9000000000}", "absurdly far");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":null}", "exp is not a valid number");
}

static void
item9_nonce(void **st)
{
	(void)st;
	claim_case("\"nonce\"", NULL, "nonce missing");
	claim_case("\"nonce\"", "\"nonce\":\"other\"", "nonce does not match");
}

/* A refreshed ID token (Core 12.2): no nonce needed, the login's sub
 * required; a login's token still needs its nonce. */
static void
refreshed_token_needs_the_same_sub_not_a_nonce(void **st)
{
	struct jo_idt_expect	 x = X;
	struct jo_user		 u;
	char			*c, why[256];

	(void)st;
	x.nonce = NULL;
	x.sub = "alice";
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":%ld,\"sub\":\"alice\"}", NOW + 60, NOW);
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &x, &u, why,
	    sizeof(why)), 0);
	jo_user_free(&u);
	x.sub = "bob";
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &x, &u, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "refreshed ID token sub (alice) is not "
	    "the remembered login's (bob)"));
	/* without the login's sub it is a login: the nonce is required */
	x.sub = NULL;
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &x, &u, why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "nonce missing"));
	free(c);
}

static void
nul_inside_a_claim_is_refused(void **st)
{
	char	*c;

	(void)st;
	/* "\u0000" would end every C string comparison early */
	expect_claims_fail("{\"iss\":\"" ISS "\\u0000.evil\",\"aud\":\"jitsi\"}",
	    "iss (missing) does not match");
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\\u0000x\"}",
	    "aud");
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":%ld,\"nonce\":\"n0nce\\u0000x\",\"sub\":\"s\"}", NOW + 60,
	    NOW);
	expect_claims_fail(c, "nonce missing");
	free(c);
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":%ld,\"nonce\":\"n0nce\",\"sub\":\"alice\\u0000admin\"}",
	    NOW + 60, NOW);
	expect_claims_fail(c, "sub missing or invalid");
	free(c);
}

static void
extreme_numbers_are_refused_without_overflow(void **st)
{
	char	*c;

	(void)st;
	expect_claims_fail("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\","
	    "\"exp\":-9223372036854775808}", "ID token expired");
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":-9223372036854775808}", NOW + 60);
	expect_claims_fail(c, "off our clock");
	free(c);
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"exp\":%ld,"
	    "\"iat\":9223372036854775807}", NOW + 60);
	expect_claims_fail(c, "off our clock");
	free(c);
}

static void
no_kid_and_no_key_of_the_type(void **st)
{
	struct jo_keys	 only_rsa;
	struct jo_user	 u;
	char		*doc, *c = claims(NULL), *t, why[512];

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s]}", rsa.jwk);
	assert_int_equal(jo_jwks_parse(doc, strlen(doc), &only_rsa, why,
	    sizeof(why)), 0);
	t = tsign(c, JWT_ALG_ES256, ec.priv_pem, NULL);
	assert_int_equal(jo_idtoken_verify(t, &only_rsa, &X, &u, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_string_equal(why, "no key in the JWKS fits alg ES256");
	free(t);
	free(c);
	free(doc);
	jo_keys_free(&only_rsa);
}

static void
item11_unknown_kid_asks_for_a_refetch(void **st)
{
	char	*c = claims(NULL), *t, why[512];

	(void)st;
	t = tsign(c, JWT_ALG_RS256, rsa2.priv_pem, "r2");
	assert_int_equal(verify(t, why, sizeof(why)), JO_IDT_UNKNOWN_KID);
	assert_non_null(strstr(why, "kid \"r2\""));
	free(t);
	free(c);
}

static void
item18_size_and_shape_caps(void **st)
{
	char	*big, why[512];

	(void)st;
	big = malloc(JO_IDTOKEN_MAX + 2);
	memset(big, 'A', JO_IDTOKEN_MAX + 1);
	big[10] = '.';
	big[20] = '.';
	big[JO_IDTOKEN_MAX + 1] = '\0';
	assert_int_equal(verify(big, why, sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "bytes (at most"));
	free(big);
	assert_int_equal(verify("a.b", why, sizeof(why)), JO_IDT_BAD);
	assert_int_equal(verify("a.b.c.d", why, sizeof(why)), JO_IDT_BAD);
	assert_int_equal(verify("a..c", why, sizeof(why)), JO_IDT_BAD);
	assert_int_equal(verify("a b.c.d", why, sizeof(why)), JO_IDT_BAD);
	assert_int_equal(verify("eyJ+.b.c", why, sizeof(why)), JO_IDT_BAD);
}

static void
name_falls_back_to_preferred_username_then_email(void **st)
{
	struct jo_user	 u;
	char		*c, why[256];

	(void)st;
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"sub\":\"s\","
	    "\"nonce\":\"n0nce\",\"iat\":%ld,\"exp\":%ld,"
	    "\"preferred_username\":\"bob\",\"email\":\"b@x.org\"}", NOW, NOW + 9);
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &X, &u, why,
	    sizeof(why)), 0);
	assert_string_equal(u.name, "bob");
	jo_user_free(&u);
	free(c);
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"sub\":\"s\","
	    "\"nonce\":\"n0nce\",\"iat\":%ld,\"exp\":%ld,\"name\":null,"
	    "\"email\":\"carol@x.org\"}", NOW, NOW + 9);
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &X, &u, why,
	    sizeof(why)), 0);
	assert_string_equal(u.name, "carol");
	jo_user_free(&u);
	free(c);
	c = jo_xasprintf("{\"iss\":\"" ISS "\",\"aud\":\"jitsi\",\"sub\":\"s\","
	    "\"nonce\":\"n0nce\",\"iat\":%ld,\"exp\":%ld,\"email\":\"no-at\"}",
	    NOW, NOW + 9);
	assert_int_equal(jo_idtoken_claims(c, strlen(c), &X, &u, why,
	    sizeof(why)), 0);
	assert_null(u.name);
	assert_null(u.email);
	jo_user_free(&u);
	free(c);
}

/* A multi-tenant issuer (Entra ID /organizations): iss is the template
 * filled with the token's tid, and tid one of the allowed tenants. */
static void
multi_tenant_iss_is_the_template_with_an_allowed_tid(void **st)
{
	struct jo_idt_expect x = X;
	struct jo_user	 u;
	char		 why[512];
	size_t		 i;
	const struct {
		const char	*json;
		int		 rc;
		const char	*why;
	} cases[] = {
		{ "{\"iss\":\"https://login.example/T1/v2.0\",\"tid\":\"T1\"", 0,
		    NULL },
		/* case-insensitive in the list, as written in the token */
		{ "{\"iss\":\"https://login.example/t2/v2.0\",\"tid\":\"t2\"", 0,
		    NULL },
		{ "{\"iss\":\"https://login.example/T9/v2.0\",\"tid\":\"T9\"", -1,
		    "tid (T9) is not one of allowed_tenants" },
		{ "{\"iss\":\"https://login.example/T2/v2.0\",\"tid\":\"T1\"", -1,
		    "does not match the issuer (https://login.example/T1/v2.0)" },
		{ "{\"iss\":\"https://login.example/T1/v2.0\"", -1,
		    "tid (missing)" },
		{ "{\"iss\":\"https://login.example/{tenantid}/v2.0\","
		    "\"tid\":\"T1\"", -1, "does not match" },
		{ "{\"iss\":\"https://login.example/organizations/v2.0\","
		    "\"tid\":\"T1\"", -1, "does not match" },
	};

	(void)st;
	x.issuer = "https://login.example/organizations/v2.0";
	x.issuer_template = "https://login.example/{tenantid}/v2.0";
	x.tenants = "T1, T2";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *c = jo_xasprintf("%s,\"aud\":\"jitsi\",\"sub\":\"a\","
		    "\"nonce\":\"n0nce\",\"iat\":%ld,\"exp\":%ld}",
		    cases[i].json, NOW, NOW + 300);

		why[0] = '\0';
		if (jo_idtoken_claims(c, strlen(c), &x, &u, why,
		    sizeof(why)) != cases[i].rc)
			fail_msg("case %zu: %s", i, why);
		if (cases[i].why != NULL && strstr(why, cases[i].why) == NULL)
			fail_msg("case %zu: %s", i, why);
		jo_user_free(&u);
		free(c);
	}
	/* a tid that is not a plain id never builds an issuer */
	x.tenants = "../evil";
	{
		char *c = jo_xasprintf("{\"iss\":\"https://login.example/../"
		    "evil/v2.0\",\"tid\":\"../evil\",\"aud\":\"jitsi\","
		    "\"sub\":\"a\",\"nonce\":\"n0nce\",\"iat\":%ld,"
		    "\"exp\":%ld}", NOW, NOW + 300);
		assert_int_equal(jo_idtoken_claims(c, strlen(c), &x, &u, why,
		    sizeof(why)), -1);
		assert_non_null(strstr(why, "not a tenant id"));
		jo_user_free(&u);
		free(c);
	}
}

#define SECRET	"client-secret-0123456789abcdefghijklmnopqrstuvwxyz"
#define LISTED	"RS256, HS256, HS384, HS512"

static enum jo_idt
verify_with(const char *tok, const struct jo_keys *ks, const char *secret,
    const char *algs, char *why, size_t wl)
{
	struct jo_idt_expect	 x = X;
	struct jo_user		 u;
	enum jo_idt		 r;

	x.secret = secret;
	x.algs = algs;
	r = jo_idtoken_verify(tok, ks, &x, &u, why, wl);
	if (r == JO_IDT_OK)
		assert_string_equal(u.sub, "alice");
	jo_user_free(&u);
	return r;
}

static void
hs_tokens_keyed_with_the_client_secret_verify(void **st)
{
	const jwt_alg_t	 a[] = { JWT_ALG_HS256, JWT_ALG_HS384, JWT_ALG_HS512 };
	char		*c = claims(NULL), *t, why[512] = "";
	size_t		 i;

	(void)st;
	for (i = 0; i < 3; i++) {
		t = tsign(c, a[i], SECRET, NULL);
		assert_int_equal(verify_with(t, &keys, SECRET, LISTED, why,
		    sizeof(why)), JO_IDT_OK);
		free(t);
	}
	free(c);
}

static void
hs_needs_the_provider_listing_it_and_a_secret(void **st)
{
	char	*c = claims(NULL), *t, why[512];

	(void)st;
	t = tsign(c, JWT_ALG_HS256, SECRET, NULL);
	assert_int_equal(verify_with(t, &keys, SECRET, "RS256, HS512", why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "discovery does not list it"));
	assert_int_equal(verify_with(t, &keys, SECRET, NULL, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "discovery does not list it"));
	assert_int_equal(verify_with(t, &keys, NULL, LISTED, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "none is configured"));
	/* another secret, and one byte of the signature changed */
	assert_int_equal(verify_with(t, &keys, SECRET "x", LISTED, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "HS256 with the client secret"));
	t[strlen(t) - 3] = t[strlen(t) - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(verify_with(t, &keys, SECRET, LISTED, why,
	    sizeof(why)), JO_IDT_BAD);
	free(t);
	free(c);
}

static void
hs_keyed_with_the_public_key_is_rejected_even_when_listed(void **st)
{
	char	*c = claims(NULL), *t, why[512];

	(void)st;
	/* checklist 3 against a provider that lists HS256: the JWKS key
	 * (as its PEM, as libjwt would take it) is never an HMAC key */
	t = tsign(c, JWT_ALG_HS256, rsa.pub_pem, "r1");
	assert_int_equal(verify_with(t, &keys, SECRET, LISTED, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "signature does not verify (HS256 with "
	    "the client secret)"));
	free(t);
	free(c);
}

static void
ps_tokens_signed_by_node_verify(void **st)
{
	struct jo_keys	 ks;
	char		*doc, why[512] = "";

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s]}", PSS_JWK);
	assert_int_equal(jo_jwks_parse(doc, strlen(doc), &ks, why,
	    sizeof(why)), 0);
	assert_int_equal(verify_with(PS256_GOOD, &ks, NULL, NULL, why,
	    sizeof(why)), JO_IDT_OK);
	assert_int_equal(verify_with(PS384_GOOD, &ks, NULL, NULL, why,
	    sizeof(why)), JO_IDT_OK);
	assert_int_equal(verify_with(PS512_GOOD, &ks, NULL, NULL, why,
	    sizeof(why)), JO_IDT_OK);
	jo_keys_free(&ks);
	free(doc);
}

static void
ps_with_another_salt_hash_padding_or_bits_is_rejected(void **st)
{
	const char *const bad[] = { PS256_SALT0, PS256_SALT20, PS512_SHA256,
	    PS256_PKCS1, PS256_FLIPPED, PS256_TAMPERED };
	struct jo_keys	 ks;
	char		*doc, why[512];
	size_t		 i;

	(void)st;
	doc = jo_xasprintf("{\"keys\":[%s,%s]}", PSS_JWK, PSS_WEAK_JWK);
	assert_int_equal(jo_jwks_parse(doc, strlen(doc), &ks, why,
	    sizeof(why)), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(verify_with(bad[i], &ks, NULL, NULL, why,
		    sizeof(why)), JO_IDT_BAD);
		assert_non_null(strstr(why, "signature does not verify (PS"));
	}
	assert_int_equal(verify_with(PS256_WEAK, &ks, NULL, NULL, why,
	    sizeof(why)), JO_IDT_BAD);
	assert_non_null(strstr(why, "RSA of 1024 bits"));
	jo_keys_free(&ks);
	free(doc);
	/* the RS256-only key of the main set does not fit PS256 */
	assert_int_equal(verify(PS256_GOOD, why, sizeof(why)),
	    JO_IDT_UNKNOWN_KID);
}

static void
accepts_says_which_algorithms_can_verify(void **st)
{
	struct jo_idt_expect	 x = X;

	(void)st;
	x.secret = SECRET;
	x.algs = LISTED;
	assert_true(jo_idtoken_accepts("RS256", &keys, &x));
	assert_true(jo_idtoken_accepts("ES256", &keys, &x));
	assert_true(jo_idtoken_accepts("HS512", &keys, &x));
	/* r1 is pinned to RS256; no P-384 key; EdDSA is not done here */
	assert_false(jo_idtoken_accepts("PS256", &keys, &x));
	assert_false(jo_idtoken_accepts("ES384", &keys, &x));
	assert_false(jo_idtoken_accepts("EdDSA", &keys, &x));
	x.secret = NULL;
	assert_false(jo_idtoken_accepts("HS256", &keys, &x));
	x.secret = SECRET;
	x.algs = "RS256";
	assert_false(jo_idtoken_accepts("HS256", &keys, &x));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_rs256_and_es256_tokens_verify),
		cmocka_unit_test(item1_bad_signature_is_rejected),
		cmocka_unit_test(item2_alg_none_or_missing_is_rejected),
		cmocka_unit_test(item3_hs256_with_the_public_key_is_rejected),
		cmocka_unit_test(item4_iss),
		cmocka_unit_test(item5_aud_and_azp),
		cmocka_unit_test(item6_sub),
		cmocka_unit_test(item7_iat),
		cmocka_unit_test(item8_exp),
		cmocka_unit_test(item9_nonce),
		cmocka_unit_test(refreshed_token_needs_the_same_sub_not_a_nonce),
		cmocka_unit_test(nul_inside_a_claim_is_refused),
		cmocka_unit_test(extreme_numbers_are_refused_without_overflow),
		cmocka_unit_test(no_kid_and_no_key_of_the_type),
		cmocka_unit_test(item11_unknown_kid_asks_for_a_refetch),
		cmocka_unit_test(item18_size_and_shape_caps),
		cmocka_unit_test(name_falls_back_to_preferred_username_then_email),
		cmocka_unit_test(multi_tenant_iss_is_the_template_with_an_allowed_tid),
		cmocka_unit_test(hs_tokens_keyed_with_the_client_secret_verify),
		cmocka_unit_test(hs_needs_the_provider_listing_it_and_a_secret),
		cmocka_unit_test(
		    hs_keyed_with_the_public_key_is_rejected_even_when_listed),
		cmocka_unit_test(ps_tokens_signed_by_node_verify),
		cmocka_unit_test(
		    ps_with_another_salt_hash_padding_or_bits_is_rejected),
		cmocka_unit_test(accepts_says_which_algorithms_can_verify),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
