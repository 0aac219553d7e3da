/* libFuzzer: ID token claim validation on a decoded payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idtoken.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const struct jo_idt_expect x = { "https://idp.example.com",
	    "jitsi", "n0nce", 1800000000 };
	struct jo_user	 u;
	char		 why[512];

	if (jo_idtoken_claims((const char *)d, n, &x, &u, why,
	    sizeof(why)) == 0) {
		if (u.sub == NULL)
			abort();
		jo_user_free(&u);
	}
	return 0;
}
