/* crypto.h -- the primitives the cheap routes need, without OpenSSL's
 * provider machinery: its first EVP call costs 4-6 million instructions
 * (configuration, provider and algorithm tables), more than everything
 * else /authorize and /tokenize do.  SHA-256 and AES come from OpenSSL's
 * low-level functions; HMAC (RFC 2104), HKDF (RFC 5869) and the GCM
 * framing (CRYPTO_gcm128) are composed here and checked against EVP and
 * the RFC test vectors in tests/unit/test_crypto.c. */
#ifndef JO_CRYPTO_H
#define JO_CRYPTO_H

#include <stddef.h>

void	 jo_sha256(const void *, size_t, unsigned char[32]);
void	 jo_hmac_sha256(const void *key, size_t keylen, const void *msg,
	    size_t msglen, unsigned char[32]);
/* HKDF-SHA256 (extract and expand), at most 255 * 32 bytes of output. */
int	 jo_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
	    size_t ikmlen, const void *info, size_t infolen,
	    unsigned char *out, size_t outlen);
/* AES-256-GCM with a 12-byte IV and a 16-byte tag.  open returns -1 when
 * the tag does not verify (out is then wiped). */
int	 jo_aes256gcm_seal(const unsigned char key[32],
	    const unsigned char iv[12], const void *aad, size_t aadlen,
	    const void *in, size_t len, unsigned char *out,
	    unsigned char tag[16]);
int	 jo_aes256gcm_open(const unsigned char key[32],
	    const unsigned char iv[12], const void *aad, size_t aadlen,
	    const void *in, size_t len, const unsigned char tag[16],
	    unsigned char *out);

#endif
