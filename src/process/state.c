/* state.c -- see state.h */
#include "cache.h"
#include "http.h"
#include "seal.h"
#include "state.h"

void
jo_state_reset(void)
{
	jo_seal_reset();
	jo_cache_reset();
	jo_http_deadline(0);
}
