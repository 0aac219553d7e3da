/* libFuzzer: Cookie header parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const char *const names[] = { "jitsi_oidc_state",
	    "jitsi_oidc_session", NULL };
	struct jo_params p;
	char		*s, why[256];
	size_t		 i;

	s = jo_xstrndup((const char *)d, n);
	if (jo_cookie_parse(s, names, &p, why, sizeof(why)) == 0) {
		/* a kept value is short and clean; a copy that is not
		 * is kept without one (ignored and deleted by the caller) */
		for (i = 0; i < p.n; i++)
			if (p.v[i].val != NULL && (strlen(p.v[i].val) > 4096 ||
			    jo_has_ctl(p.v[i].val, strlen(p.v[i].val))))
				abort();
		jo_params_free(&p);
	}
	free(s);
	return 0;
}
