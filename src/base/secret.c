/* secret.c -- see secret.h */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"
#include "util.h"

int
jo_secret_read(const char *path, char **out, struct stat *st, char *why,
    size_t whylen)
{
	char	 buf[SECRET_MAX + 2];
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		jo_why(why, whylen, "cannot open \"%s\": %s", path,
		    strerror(errno));
		return -1;
	}
	/* the version read, not whatever is at path afterwards */
	if (st != NULL && fstat(fd, st) == -1)
		memset(st, 0, sizeof(*st));
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			jo_why(why, whylen, "cannot read \"%s\": %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len > SECRET_MAX) {
		jo_why(why, whylen, "\"%s\" is longer than %d bytes", path,
		    SECRET_MAX);
		return -1;
	}
	if (len == 0) {
		jo_why(why, whylen, "\"%s\" is empty", path);
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		jo_why(why, whylen, "\"%s\" contains a NUL byte", path);
		return -1;
	}
	*out = jo_xstrndup(buf, len);
	return 0;
}

/* Values the example file and the documentation ever shipped for a
 * secret: public, so never a secret.  Any value holding "change-me" or
 * "changeme" (in any case) is refused as well. */
static const char *const shipped_secrets[] = {
	"long-alphanumeric",
	"the-previous-cookie-secret-of-at-least-32-bytes",
	NULL
};

/* Why a secret is refused, or NULL.  ours: a secret the administrator
 * makes (cookie and Jitsi secrets), which must also look random: of 32
 * bytes or more, at least 8 different byte values (all one character,
 * or a short pattern repeated, is not a secret).  A client secret is
 * the provider's: only placeholders are refused. */
const char *
jo_secret_weak(const char *v, int ours)
{
	unsigned char	 seen[256];
	size_t		 i, n = strlen(v), distinct = 0;

	if (strcasestr(v, "change-me") != NULL ||
	    strcasestr(v, "changeme") != NULL)
		return "a placeholder from the example, not a secret";
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
		return "a placeholder from the example, not a secret";
	for (i = 0; shipped_secrets[i] != NULL; i++)
		if (strcmp(v, shipped_secrets[i]) == 0)
			return "the example value from the documentation";
	if (!ours || n < 32)
		return NULL;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++)
		if (!seen[(unsigned char)v[i]]++)
			distinct++;
	if (distinct < 8)
		return "not random (fewer than 8 different bytes)";
	return NULL;
}
