/* secret.h -- the configuration's secrets: read from a *_file, and
 * refused when they are the example's placeholders or plainly not
 * random (the example's values are public). */
#ifndef JO_SECRET_H
#define JO_SECRET_H

#include <sys/stat.h>

#include <stddef.h>

#define SECRET_MAX	16384	/* bytes of a secret file */

/* The file's content, its one trailing newline (or CRLF) dropped, into
 * *out; st (may be NULL) gets the fstat of the version read.  -1 with
 * why when it cannot be read, is empty, too long or holds a NUL. */
int	 jo_secret_read(const char *path, char **out, struct stat *st,
	    char *, size_t);
/* Why a secret is refused, or NULL.  ours: one the administrator makes
 * (cookie and Jitsi secrets), which must also look random. */
const char *jo_secret_weak(const char *v, int ours);

#endif
