/* libFuzzer: query-string parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct jo_params p;
	char		*s, why[256];
	size_t		 i;

	s = jo_xstrndup((const char *)d, n);
	if (jo_query_parse(s, &p, why, sizeof(why)) == 0) {
		for (i = 0; i < p.n; i++) {
			/* what passes has no control characters */
			if (jo_has_ctl(p.v[i].val, strlen(p.v[i].val)) ||
			    jo_param_get(&p, p.v[i].key) != p.v[i].val)
				abort();
		}
		jo_params_free(&p);
	}
	free(s);
	return 0;
}
