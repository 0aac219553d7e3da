/* libFuzzer: configuration parsing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What a configuration that loads says of the token rules: each rule
 * has a mode; features only from Jitsi's names; and without
 * features_off, every one of them granted to someone -- none is
 * switched off unnamed. */
static void
features_hold(const struct jo_config *c)
{
	unsigned long	 full = 0, granted;
	size_t		 i;

	if (c->lobby_bypass.mode == NULL || c->hidden.mode == NULL ||
	    c->visitor.mode == NULL)
		abort();
	for (i = 0; jo_jitsi_features[i] != NULL; i++)
		full |= 1UL << i;
	granted = c->feat_all | c->feat_mod | c->feat_claimed;
	if ((granted & ~full) != 0 || (!c->features && granted != 0))
		abort();
	if (c->features && c->features_off == NULL && granted != full)
		abort();
}

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
		features_hold(&c);
		jo_config_free(&c);
	}
	return 0;
}
