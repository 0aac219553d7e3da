/* libFuzzer: opening sealed cookie values.  Forged input must never open;
 * and whatever opens must seal and open again to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "seal.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char K[] = "fuzz-secret-0123456789abcdef0123456789";

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char	*s, *p, *again, *p2;
	size_t	 len, len2;

	s = jo_xstrndup((const char *)d, n);
	if (jo_unseal(K, strlen(K), "state", 1, s, &p, &len) == JO_SEAL_OK)
		abort();	/* forging AES-GCM by chance: impossible */
	free(s);
	/* round trip of the raw bytes as a payload */
	if (n <= JO_SEAL_MAX_PLAIN) {
		again = jo_seal(K, strlen(K), "session", 100, (const char *)d, n);
		if (again == NULL ||
		    jo_unseal(K, strlen(K), "session", 99, again, &p2,
		    &len2) != JO_SEAL_OK || len2 != n || memcmp(p2, d, n) != 0)
			abort();
		if (jo_unseal(K, strlen(K), "state", 99, again, &p, &len) !=
		    JO_SEAL_FORGED)
			abort();
		free(p2);
		free(again);
	}
	return 0;
}
