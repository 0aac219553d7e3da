/* url.h -- the http(s) URLs of the configuration and of a Referer:
 * checked, split and compared. */
#ifndef JO_URL_H
#define JO_URL_H

#include <stddef.h>

/* Is this an acceptable URL for the provider or the public side:
 * https://, or http:// to a loopback host.  No controls or spaces. */
int	 jo_url_ok(const char *, char *, size_t);
/* The host part of an http(s) URL (without port), or NULL. */
char	*jo_url_host(const char *);
/* The path part of an http(s) URL ("/" when empty), or NULL. */
char	*jo_url_path(const char *);
/* Do two http(s) URLs have the same origin (scheme, host, port; ASCII
 * case-insensitive)?  0 for anything that is not such a URL. */
int	 jo_same_origin(const char *, const char *);
/* The origin of an http(s) URL as a browser writes it (scheme://host
 * [:port], scheme and host lowercase, a default port dropped), or NULL:
 * a postMessage target and a frame-ancestors source. */
char	*jo_url_origin(const char *);

#endif
