/* cfgcache.h -- the configurations a FastCGI process keeps between
 * requests (one per JITSI_OIDC_CONFIG seen, a few at most), read again
 * when the file or a secret file it names changes (looked at once a
 * second at most) or after SIGHUP; a bad new version leaves the old one
 * running, with one log line.  A CGI run reads its configuration once
 * and needs none of this. */
#ifndef JO_CFGCACHE_H
#define JO_CFGCACHE_H

#include "config.h"

struct jo_cfgcache;

struct jo_cfgcache *jo_cfgcache_new(void);
void	 jo_cfgcache_free(struct jo_cfgcache *);
/* The configuration at path (borrowed: valid until the next call), or
 * NULL with every problem, one per line, in *why. */
const struct jo_config *jo_cfgcache_get(struct jo_cfgcache *,
	    const char *path, const char **why);
/* Has this process served max_requests of a configuration it keeps? */
int	 jo_cfgcache_done(const struct jo_cfgcache *, long served);
/* From a signal handler (SIGHUP): read every configuration again. */
void	 jo_cfgcache_hup(void);

#endif
