/* libFuzzer: configuration parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jo_config c;
	char		 why[1024];

	/* *_file keys read files named by the input: not here */
	if (memmem(d, n, "_file", 5) != NULL)
		return 0;
	if (jo_config_parse("fuzz.conf", (const char *)d, n, &c, why,
	    sizeof(why)) == 0) {
		if (c.cookie_secret_len < 32 || c.redirect_uri == NULL)
			abort();
		jo_config_free(&c);
	}
	return 0;
}
