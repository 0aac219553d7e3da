/* libFuzzer: JWKS parsing and JWK -> PEM public key conversion. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oidc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jo_keys	 ks;
	char		 why[256];
	size_t		 i;

	if (jo_jwks_parse((const char *)d, n, &ks, why, sizeof(why)) == 0) {
		for (i = 0; i < ks.n; i++)
			if (ks.v[i].pem == NULL && (strcmp(ks.v[i].kty, "RSA") ||
			    ks.v[i].bits >= 2048))
				abort();	/* only weak RSA keys lack a PEM */
		jo_keys_free(&ks);
	}
	return 0;
}
