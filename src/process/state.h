/* state.h -- everything a process keeps from one request to the next,
 * in one list.  A CGI run lives for one request, so for it none of this
 * outlives the request; a FastCGI process keeps it for its life.
 *
 *   what                               where        lifetime
 *   libcurl, libjwt, libfcgi handles   http.c jws.c fcgi.c (dl.c)
 *                                                   loaded on first use,
 *                                                   kept (never unloaded)
 *   the FastCGI request and streams    fcgi.c       the process
 *   derived cookie keys (6 kept)       seal.c       until reset; wiped
 *   discovery and JWKS in memory       cache.c      their cache expiry, or
 *                                                   until reset
 *   "cache_dir is unusable" said once  cache.c      until reset
 *   the request's provider deadline    http.c       one request (serve)
 *   random bytes, a page at a time     util.c       the process; the kernel
 *                                                   wipes it in a child
 *   the log line's route name          util.c       one request (serve)
 *   the configurations kept            cfgcache.c   the process (a heap
 *                                                   object of main.c's
 *                                                   FastCGI loop); SIGHUP
 *                                                   reads them again
 *   SIGTERM seen                       main.c       the process
 *
 * jo_state_reset() forgets what can be forgotten (the keys, the memory
 * cache, the warning, the deadline), as if the process had just
 * started: for the tests, and for a FastCGI process sent SIGUSR2, which
 * also drops its kept configurations (tests/lib/harness.mjs
 * restartFastcgi uses it instead of starting a new process). */
#ifndef JO_STATE_H
#define JO_STATE_H

void	 jo_state_reset(void);

#endif
