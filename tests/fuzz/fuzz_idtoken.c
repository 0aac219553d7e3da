/* libFuzzer: a whole ID token (header, algorithm pinning, key choice,
 * libjwt's and EVP's signature checks: RS*, PS*, ES*, HS*) against a JWKS
 * of one RSA and one EC key and a client secret, all made at start.
 * Nothing the fuzzer writes can be signed by them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idtoken.h"
#include "proto.h"
#include "util.h"
#include "../unit/keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static struct jo_keys ks;
	static int	 loaded;
	static struct jo_idt_expect x = { .issuer = "https://idp.example.com",
	    .client_id = "jitsi", .nonce = "n0nce", .now = 1800000000,
	    .algs = "RS256, PS256, ES256, HS256, HS384, HS512" };
	struct jo_user	 u;
	char		*t, why[512];

	if (!loaded) {
		/* a fresh secret: the HS algorithms are tried too */
		x.secret = jo_proto_random(32);
		/* fresh keys: nothing the fuzzer writes is signed by them */
		struct tkey r = tkey_new("RSA", 2048, "r1", NULL);
		struct tkey e = tkey_new("EC", 0, "e1", NULL);
		char *doc = jo_xasprintf("{\"keys\":[%s,%s]}", r.jwk, e.jwk);

		if (jo_jwks_parse(doc, strlen(doc), &ks, why,
		    sizeof(why)) != 0 || ks.n != 2)
			abort();
		free(doc);
		tkey_free(&r);
		tkey_free(&e);
		loaded = 1;
	}
	t = jo_xstrndup((const char *)d, n);
	if (jo_idtoken_verify(t, &ks, &x, &u, why, sizeof(why)) == JO_IDT_OK)
		abort();	/* a forged token verified */
	free(t);
	return 0;
}
