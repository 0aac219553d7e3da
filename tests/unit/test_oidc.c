/* Unit tests: discovery validation, JWK -> PEM conversion, and which
 * cache files are trusted. */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "idtoken.h"
#include "cache.h"
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
unusable_keys_are_skipped_and_each_reason_is_said(void **st)
{
	struct jo_keys	 ks;
	char		 why[1024];

	(void)st;
	assert_int_equal(parse("{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
	    "{\"kty\":\"RSA\",\"kid\":\"r0\",\"n\":\"\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\"},"
	    "{\"kty\":\"EC\",\"crv\":\"P-999\",\"x\":\"AAAA\",\"y\":\"AAAA\"},"
	    "{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}, 3, null,"
	    "{\"crv\":\"P-256\"}]}",
	    &ks, why, sizeof(why)), -1);
	assert_string_equal(why, "JWKS holds no usable RSA or EC signing key: "
	    "key 1: kty \"oct\" is not RSA or EC; "
	    "key 2 (kid r0): RSA key without valid n and e; "
	    "key 3: EC key without a valid y; "
	    "key 4: EC curve P-999 not supported; "
	    "key 5: use \"enc\", not \"sig\"; "
	    "key 6: kty \"OKP\" is not RSA or EC; "
	    "key 7: not an object; key 8: not an object; "
	    "key 9: kty missing is not RSA or EC");
	assert_int_equal(parse("{\"keys\":[]}", &ks, why, sizeof(why)), -1);
	assert_string_equal(why, "JWKS holds no usable RSA or EC signing key");
	assert_int_equal(parse("{\"keys\":{}}", &ks, why, sizeof(why)), -1);
	assert_int_equal(parse("[]", &ks, why, sizeof(why)), -1);
	assert_int_equal(parse("{\"keys\":[]} trailing", &ks, why,
	    sizeof(why)), -1);
}

/* A P-256 key whose x or y starts with a zero byte (about 1 in 128),
 * and that coordinate's index in the uncompressed point (1 or 33). */
static struct tkey
ec_key_with_a_leading_zero(unsigned char pub[65], size_t *at)
{
	struct tkey	 e;
	size_t		 len;
	int		 i;

	for (i = 0; i < 20000; i++) {
		e = tkey_new("EC", 0, "short", "ES256");
		EVP_PKEY_get_octet_string_param(e.pk, OSSL_PKEY_PARAM_PUB_KEY,
		    pub, 65, &len);
		if (len == 65 && (pub[1] == 0 || pub[33] == 0)) {
			*at = pub[1] == 0 ? 1 : 33;
			return e;
		}
		tkey_free(&e);
	}
	fail_msg("no P-256 key with a leading zero byte in 20000");
	return e;
}

static void
short_ec_coordinate_is_left_padded(void **st)
{
	struct tkey	 e;
	struct jo_keys	 ks;
	struct jo_user	 u;
	struct jo_idt_expect x = { .issuer = "https://i", .client_id = "jitsi",
	    .nonce = "n", .now = 1800000000 };
	unsigned char	 pub[65];
	size_t		 at = 1, skip;
	char		*cx, *cy, *doc, *tok, why[512];

	(void)st;
	e = ec_key_with_a_leading_zero(pub, &at);
	/* the coordinate without its leading zero bytes, as glewlwyd's
	 * library publishes it */
	for (skip = 0; skip < 32 && pub[at + skip] == 0; skip++)
		;
	cx = jo_b64url_encode(pub + 1 + (at == 1 ? skip : 0),
	    32 - (at == 1 ? skip : 0));
	cy = jo_b64url_encode(pub + 33 + (at == 33 ? skip : 0),
	    32 - (at == 33 ? skip : 0));
	doc = jo_xasprintf("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"kid\":\"short\",\"x\":\"%s\",\"y\":\"%s\"}]}", cx, cy);
	assert_int_equal(parse(doc, &ks, why, sizeof(why)), 0);
	/* byte for byte what OpenSSL writes for the full-size point */
	assert_string_equal(ks.v[0].pem, e.pub_pem);
	assert_int_equal(ks.v[0].bits, 256);
	tok = tsign("{\"iss\":\"https://i\",\"aud\":\"jitsi\",\"sub\":\"s\","
	    "\"nonce\":\"n\",\"iat\":1800000000,\"exp\":1800000100}",
	    JWT_ALG_ES256, e.priv_pem, "short");
	assert_int_equal(jo_idtoken_verify(tok, &ks, &x, &u, why, sizeof(why)),
	    JO_IDT_OK);
	jo_user_free(&u);
	jo_keys_free(&ks);
	free(tok);
	free(doc);
	free(cx);
	free(cy);
	tkey_free(&e);
}

static void
long_ec_coordinate_is_refused(void **st)
{
	struct tkey	 e = tkey_new("EC", 0, "long", "ES256");
	struct jo_keys	 ks;
	unsigned char	 pub[65], x33[33];
	size_t		 len;
	char		*cx, *cy, *doc, why[512];

	(void)st;
	EVP_PKEY_get_octet_string_param(e.pk, OSSL_PKEY_PARAM_PUB_KEY, pub,
	    sizeof(pub), &len);
	/* the same x with a zero byte in front: the same number, but
	 * longer than RFC 7518 allows */
	x33[0] = 0;
	memcpy(x33 + 1, pub + 1, 32);
	cx = jo_b64url_encode(x33, 33);
	cy = jo_b64url_encode(pub + 33, 32);
	doc = jo_xasprintf("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"kid\":\"long\",\"x\":\"%s\",\"y\":\"%s\"}]}", cx, cy);
	assert_int_equal(parse(doc, &ks, why, sizeof(why)), -1);
	assert_string_equal(why, "JWKS holds no usable RSA or EC signing key: "
	    "key 1 (kid long): EC x is 33 bytes, P-256 needs 32");
	free(doc);
	free(cx);
	free(cy);
	tkey_free(&e);
}

static void
ec_point_not_on_the_curve_never_verifies(void **st)
{
	struct tkey	 e = tkey_new("EC", 0, "e1", "ES256");
	struct jo_keys	 ks;
	struct jo_user	 u;
	struct jo_idt_expect x = { .issuer = "https://i", .client_id = "jitsi",
	    .nonce = "n", .now = 1800000000 };
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
	assert_int_equal(jo_discovery_parse("https://idp.example.com", NULL, doc,
	    strlen(doc), &p, why, sizeof(why)), 0);
	assert_string_equal(p.token_endpoint, "https://idp.example.com/token");
	assert_null(p.end_session_endpoint);
	jo_provider_free(&p);
	assert_int_equal(jo_discovery_parse("https://idp.example.com/", NULL, doc,
	    strlen(doc), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "does not match the configured issuer"));
	assert_int_equal(jo_discovery_parse("https://other.example.com", NULL, doc,
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
	assert_int_equal(jo_discovery_parse("https://i", NULL, doc, strlen(doc), &p,
	    why, sizeof(why)), -1);
	assert_non_null(strstr(why, "authorization_endpoint"));
	assert_int_equal(jo_discovery_parse("https://i", NULL, nojwks,
	    strlen(nojwks), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "jwks_uri"));
}

/* The cache: a discovery file planted in cache_dir names endpoints of
 * its own (evil.example).  The issuer is a closed loopback port, so a
 * file that is not trusted makes jo_discover fail at once (it fetches,
 * and nothing answers); one that is trusted hands out its endpoints. */
#define CISSUER	"http://127.0.0.1:1"

struct cdir {
	char	 dir[64];		/* the directory made for the test */
	char	*cache;			/* cache_dir: dir/cache */
	char	*file;			/* the discovery file's path */
};

static void
cdir_new(struct cdir *d)
{
	char	*h;

	snprintf(d->dir, sizeof(d->dir), "/tmp/jo-unit-cache-XXXXXX");
	assert_non_null(mkdtemp(d->dir));
	d->cache = jo_xasprintf("%s/cache", d->dir);
	assert_int_equal(mkdir(d->cache, 0700), 0);
	assert_int_equal(chmod(d->cache, 0700), 0);
	h = jo_sha256_hex(CISSUER, strlen(CISSUER));
	d->file = jo_xasprintf("%s/%.16s.discovery.json", d->cache, h);
	free(h);
}

static void
cdir_free(struct cdir *d)
{
	char	*cmd;

	cmd = jo_xasprintf("rm -rf '%s'", d->dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(d->cache);
	free(d->file);
}

/* A discovery file as the adapter writes it, expiring at now + ttl. */
static void
plant(const char *path, long ttl, mode_t mode)
{
	FILE	*f;

	unlink(path);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "{\"issuer\":\"%s\",\"expires\":%lld,\"provider\":{"
	    "\"authorization_endpoint\":\"https://evil.example/auth\","
	    "\"token_endpoint\":\"https://evil.example/token\","
	    "\"jwks_uri\":\"https://evil.example/jwks\"}}", CISSUER,
	    (long long)time(NULL) + ttl);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* 1: the planted endpoints were trusted; 0: the file was not used.  A
 * document once trusted is also kept in memory (as a FastCGI process
 * does), keyed by its path: each test ends with its one trusted case. */
static int
trusted(const char *cache_dir)
{
	struct jo_config	 c;
	struct jo_provider	 p;
	char			 why[512];
	int			 rc;

	memset(&c, 0, sizeof(c));
	c.issuer = (char *)(uintptr_t)CISSUER;
	c.cache_dir = (char *)(uintptr_t)cache_dir;
	c.http_timeout = 2;
	alarm(20);		/* a hang fails the test */
	rc = jo_discover(&c, &p, why, sizeof(why));
	alarm(0);
	if (rc == -1) {
		assert_non_null(strstr(why, "cannot reach"));
		return 0;
	}
	assert_string_equal(p.token_endpoint, "https://evil.example/token");
	jo_provider_free(&p);
	return 1;
}

static void
cache_file_of_ours_in_a_private_dir_is_trusted(void **st)
{
	static const mode_t	 modes[] = { 0644, 0600, 0400 };
	struct cdir		 d;
	size_t			 i;

	(void)st;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		cdir_new(&d);
		plant(d.file, 600, modes[i]);
		assert_int_equal(trusted(d.cache), 1);
		cdir_free(&d);
	}
}

static void
cache_dir_writable_by_group_or_others_is_not_used(void **st)
{
	static const mode_t	 modes[] = { 0770, 0730, 0707, 0777, 01777,
	    0702 };
	struct cdir		 d;
	size_t			 i;

	(void)st;
	cdir_new(&d);
	plant(d.file, 600, 0644);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(d.cache, modes[i]), 0);
		assert_int_equal(trusted(d.cache), 0);
	}
	cdir_free(&d);
}

static void
cache_file_writable_by_group_or_others_is_not_trusted(void **st)
{
	static const mode_t	 modes[] = { 0664, 0646, 0666, 0620, 0602 };
	struct cdir		 d;
	size_t			 i;

	(void)st;
	cdir_new(&d);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		plant(d.file, 600, modes[i]);
		assert_int_equal(trusted(d.cache), 0);
	}
	cdir_free(&d);
}

static void
cache_file_or_dir_of_another_user_is_not_trusted(void **st)
{
	struct cdir	 d;

	(void)st;
	if (geteuid() != 0)
		skip();		/* chown needs root */
	cdir_new(&d);
	plant(d.file, 600, 0644);
	assert_int_equal(chown(d.cache, 65534, 65534), 0);
	assert_int_equal(trusted(d.cache), 0);
	assert_int_equal(chown(d.cache, 0, 0), 0);
	assert_int_equal(chown(d.file, 65534, 65534), 0);
	assert_int_equal(trusted(d.cache), 0);
	plant(d.file, 600, 0644);
	assert_int_equal(trusted(d.cache), 1);
	cdir_free(&d);
}

static void
cache_symlink_fifo_or_hard_link_is_not_followed(void **st)
{
	struct cdir	 d;
	char		*other;

	(void)st;
	cdir_new(&d);
	/* a symbolic link to a file that would be trusted */
	other = jo_xasprintf("%s/cache/elsewhere.json", d.dir);
	plant(other, 600, 0644);
	assert_int_equal(symlink(other, d.file), 0);
	assert_int_equal(trusted(d.cache), 0);
	/* a second name of it */
	unlink(d.file);
	assert_int_equal(link(other, d.file), 0);
	assert_int_equal(trusted(d.cache), 0);
	/* a FIFO nobody writes to: must not block */
	unlink(d.file);
	assert_int_equal(mkfifo(d.file, 0600), 0);
	assert_int_equal(trusted(d.cache), 0);
	free(other);
	cdir_free(&d);
}

static void
cache_expires_beyond_the_longest_ttl_is_not_trusted(void **st)
{
	struct cdir	 d;

	(void)st;
	cdir_new(&d);
	plant(d.file, 86400 + 60, 0644);
	assert_int_equal(trusted(d.cache), 0);
	plant(d.file, 10L * 365 * 86400, 0644);
	assert_int_equal(trusted(d.cache), 0);
	plant(d.file, 86400 - 60, 0644);
	assert_int_equal(trusted(d.cache), 1);
	cdir_free(&d);
}

static void
cache_dir_may_be_a_symlink_to_a_private_dir(void **st)
{
	struct cdir	 d;
	char		*link_;

	(void)st;
	cdir_new(&d);
	plant(d.file, 600, 0644);
	link_ = jo_xasprintf("%s/link", d.dir);
	assert_int_equal(symlink(d.cache, link_), 0);
	assert_int_equal(chmod(d.cache, 0777), 0);
	assert_int_equal(trusted(link_), 0);
	assert_int_equal(chmod(d.cache, 0700), 0);
	assert_int_equal(trusted(link_), 1);
	free(link_);
	cdir_free(&d);
}

static void
cache_dir_ok_says_why_and_how_to_fix_it(void **st)
{
	struct cdir		 d;
	struct jo_config	 c;
	char			 why[512], *missing;

	(void)st;
	cdir_new(&d);
	memset(&c, 0, sizeof(c));
	c.cache_dir = d.cache;
	assert_int_equal(jo_cache_dir_ok(&c, why, sizeof(why)), 0);
	assert_int_equal(chmod(d.cache, 01777), 0);
	assert_int_equal(jo_cache_dir_ok(&c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is writable by group or others "
	    "(mode 1777): not used"));
	assert_non_null(strstr(why, "&& chmod 0700 "));
	missing = jo_xasprintf("%s/no/such", d.dir);
	c.cache_dir = missing;
	assert_int_equal(jo_cache_dir_ok(&c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "No such file or directory"));
	c.cache_dir = d.file;	/* not a directory */
	plant(d.file, 600, 0644);
	assert_int_equal(jo_cache_dir_ok(&c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "Not a directory"));
	free(missing);
	cdir_free(&d);
}

static void
multi_tenant_template_only_with_allowed_tenants(void **st)
{
	struct jo_provider p;
	char		   why[512];
	const char	  *doc = "{\"issuer\":\"https://login.example/{tenantid}"
	    "/v2.0\",\"authorization_endpoint\":\"https://login.example/a\","
	    "\"token_endpoint\":\"https://login.example/t\","
	    "\"jwks_uri\":\"https://login.example/k\"}";

	(void)st;
	assert_true(jo_issuer_template_of("https://l/{tenantid}/v2.0",
	    "https://l/common/v2.0"));
	assert_true(jo_issuer_template_of("https://l/{tenantid}",
	    "https://l/organizations"));
	/* one whole segment, in the path, once */
	assert_false(jo_issuer_template_of("https://l/{tenantid}/v2.0",
	    "https://l/a/b/v2.0"));
	assert_false(jo_issuer_template_of("https://l/{tenantid}/v2.0",
	    "https://l//v2.0"));
	assert_false(jo_issuer_template_of("https://l/x{tenantid}/v2.0",
	    "https://l/xcommon/v2.0"));
	assert_false(jo_issuer_template_of("https://{tenantid}/v2.0",
	    "https://evil/v2.0"));
	assert_false(jo_issuer_template_of("https://l/{tenantid}/{tenantid}",
	    "https://l/a/b"));
	assert_false(jo_issuer_template_of("https://l/{tenantid}/v2.0",
	    "https://other/common/v2.0"));
	assert_null(jo_issuer_fill("https://l/{tenantid}/v2.0", "a/b"));
	assert_null(jo_issuer_fill("https://l/{tenantid}/v2.0", ""));
	{
		char *f = jo_issuer_fill("https://l/{tenantid}/v2.0", "T-1.x");
		assert_string_equal(f, "https://l/T-1.x/v2.0");
		free(f);
	}
	/* the tenant an authorization response's iss names */
	{
		char *t = jo_issuer_tenant("https://l/{tenantid}/v2.0",
		    "https://l/T-1.x/v2.0");
		assert_string_equal(t, "T-1.x");
		free(t);
		t = jo_issuer_tenant("https://l/{tenantid}", "https://l/T1");
		assert_string_equal(t, "T1");
		free(t);
	}
	assert_null(jo_issuer_tenant("https://l/{tenantid}/v2.0",
	    "https://l/a%2Fb/v2.0"));
	assert_null(jo_issuer_tenant("https://l/{tenantid}/v2.0",
	    "https://l/a/b/v2.0"));
	assert_null(jo_issuer_tenant("https://l/{tenantid}/v2.0",
	    "https://l/T1/v2.0/x"));
	assert_null(jo_issuer_tenant("https://l/v2.0", "https://l/v2.0"));

	assert_int_equal(jo_discovery_parse("https://login.example/common/v2.0",
	    NULL, doc, strlen(doc), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "set allowed_tenants"));
	assert_int_equal(jo_discovery_parse("https://login.example/common/v2.0",
	    "T1", doc, strlen(doc), &p, why, sizeof(why)), 0);
	assert_string_equal(p.issuer_template,
	    "https://login.example/{tenantid}/v2.0");
	jo_provider_free(&p);
	assert_int_equal(jo_discovery_parse("https://login.example/a/b/v2.0",
	    "T1", doc, strlen(doc), &p, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "does not match"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsa_and_ec_keys_become_their_own_pem),
		cmocka_unit_test(weak_rsa_keys_are_kept_without_pem),
		cmocka_unit_test(unusable_keys_are_skipped_and_each_reason_is_said),
		cmocka_unit_test(short_ec_coordinate_is_left_padded),
		cmocka_unit_test(long_ec_coordinate_is_refused),
		cmocka_unit_test(ec_point_not_on_the_curve_never_verifies),
		cmocka_unit_test(discovery_issuer_must_match_exactly),
		cmocka_unit_test(discovery_endpoints_must_be_safe_urls),
		cmocka_unit_test(cache_file_of_ours_in_a_private_dir_is_trusted),
		cmocka_unit_test(cache_dir_writable_by_group_or_others_is_not_used),
		cmocka_unit_test(cache_file_writable_by_group_or_others_is_not_trusted),
		cmocka_unit_test(cache_file_or_dir_of_another_user_is_not_trusted),
		cmocka_unit_test(cache_symlink_fifo_or_hard_link_is_not_followed),
		cmocka_unit_test(cache_expires_beyond_the_longest_ttl_is_not_trusted),
		cmocka_unit_test(cache_dir_may_be_a_symlink_to_a_private_dir),
		cmocka_unit_test(cache_dir_ok_says_why_and_how_to_fix_it),
		cmocka_unit_test(multi_tenant_template_only_with_allowed_tenants),
	};

	return RUN(tests);
}
