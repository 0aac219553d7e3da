/* seal.h -- encrypted, authenticated cookie values.
 *
 * A sealed value is "v1." followed by base64url of
 *   version (1) | expiry (8, big endian) | iv (12) | ciphertext | tag (16)
 * encrypted with AES-256-GCM under a key derived from the cookie secret
 * by HKDF-SHA256 with a label naming the purpose ("state", "session").
 * The version, the purpose and the expiry are authenticated data, so a
 * value sealed for one purpose cannot be opened as another, and its
 * expiry cannot be changed. */
#ifndef JO_SEAL_H
#define JO_SEAL_H

#include <stddef.h>
#include <time.h>

#define JO_SEAL_MAX_PLAIN	2800	/* keeps a cookie under 4 KiB */

enum jo_seal_err {
	JO_SEAL_OK = 0,
	JO_SEAL_MALFORMED,	/* not a sealed value of ours */
	JO_SEAL_FORGED,		/* authentication failed */
	JO_SEAL_EXPIRED,
	JO_SEAL_INTERNAL,	/* OpenSSL failed */
};

const char	*jo_seal_strerror(enum jo_seal_err);
/* Forget (and wipe) the derived keys this process keeps (state.h). */
void		 jo_seal_reset(void);

/* Returns a malloc'd sealed string, or NULL when plain is too long or
 * OpenSSL fails. */
char	*jo_seal(const char *secret, size_t secretlen, const char *purpose,
	    time_t expires, const char *plain, size_t plainlen);

enum jo_seal_err jo_unseal(const char *secret, size_t secretlen,
	    const char *purpose, time_t now, const char *sealed,
	    char **plain, size_t *plainlen);

#endif
