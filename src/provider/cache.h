/* cache.h -- discovery and the JWKS between requests: a file per issuer
 * and document in cache_dir, shared by every process, and (FastCGI) the
 * same documents in this process's memory, under the same expiry.  One
 * interface for both; cache.c says what is trusted. */
#ifndef JO_CACHE_H
#define JO_CACHE_H

#include <time.h>

#include <json-c/json.h>

#include "config.h"

#define JO_CACHE_TTL_MIN	300	/* seconds a document is kept, at least */
#define JO_CACHE_TTL_MAX	86400	/* ... at most */
#define JO_CACHE_TTL_DEFAULT	3600	/* without a max-age */

/* The path of this issuer's document ("discovery", "jwks"). */
char	*jo_cache_path(const struct jo_config *, const char *what);
/* The cached document, or NULL: pass 0 from memory, pass 1 from the
 * file (only if it is one we could have written). */
json_object *jo_cache_get(const struct jo_config *, const char *path,
	    int pass);
/* Keep it in memory (a FastCGI process) ... */
void	 jo_cache_keep(const char *path, json_object *);
/* ... and write it to the file (a temporary file renamed). */
void	 jo_cache_write(const struct jo_config *, const char *path,
	    json_object *);
/* An expiry we could have written: ahead, and by no more than
 * JO_CACHE_TTL_MAX. */
int	 jo_cache_fresh(long long expires, time_t now);
/* Can cache_dir be used (ours or root's, writable by no one else)?
 * -1 with why and how to fix it. */
int	 jo_cache_dir_ok(const struct jo_config *, char *, size_t);
/* Warnings about the cache are logged once per process. */
void	 jo_cache_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Forget the documents in memory and the warning given (state.h). */
void	 jo_cache_reset(void);

#endif
