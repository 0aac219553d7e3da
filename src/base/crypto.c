/* crypto.c -- see crypto.h */
/* The low-level SHA-256 and AES functions are deprecated in OpenSSL 3,
 * but remain in its API and ABI; they are used here on purpose. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include <openssl/aes.h>
#include <openssl/crypto.h>
#include <openssl/modes.h>
#include <openssl/sha.h>

#include "crypto.h"

void
jo_sha256(const void *p, size_t n, unsigned char md[32])
{
	SHA256_CTX	 c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(md, &c);
	OPENSSL_cleanse(&c, sizeof(c));
}

void
jo_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t msglen, unsigned char mac[32])
{
	unsigned char	 k[64], pad[64], inner[32];
	SHA256_CTX	 c;
	size_t		 i;

	memset(k, 0, sizeof(k));
	if (keylen > sizeof(k))
		jo_sha256(key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, 64);
	SHA256_Update(&c, msg, msglen);
	SHA256_Final(inner, &c);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	SHA256_Init(&c);
	SHA256_Update(&c, pad, 64);
	SHA256_Update(&c, inner, 32);
	SHA256_Final(mac, &c);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(pad, sizeof(pad));
	OPENSSL_cleanse(inner, sizeof(inner));
	OPENSSL_cleanse(&c, sizeof(c));
}

int
jo_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm,
    size_t ikmlen, const void *info, size_t infolen, unsigned char *out,
    size_t outlen)
{
	unsigned char	 prk[32], t[32], buf[32 + 255 + 1];
	size_t		 done = 0, tlen = 0, n;
	unsigned char	 i;

	if (outlen > 255 * 32 || infolen > 255)
		return -1;
	/* extract */
	jo_hmac_sha256(salt, saltlen, ikm, ikmlen, prk);
	/* expand: T(i) = HMAC(PRK, T(i-1) | info | i) */
	for (i = 1; done < outlen; i++) {
		memcpy(buf, t, tlen);
		memcpy(buf + tlen, info, infolen);
		buf[tlen + infolen] = i;
		jo_hmac_sha256(prk, 32, buf, tlen + infolen + 1, t);
		tlen = 32;
		n = outlen - done < 32 ? outlen - done : 32;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(prk, sizeof(prk));
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

static int
gcm(int enc, const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *in, size_t len,
    unsigned char *tagout, const unsigned char *tagin, unsigned char *out)
{
	AES_KEY		 ak;
	GCM128_CONTEXT	*g;
	int		 rc = -1;

	if (AES_set_encrypt_key(key, 256, &ak) != 0)
		return -1;
	if ((g = CRYPTO_gcm128_new(&ak, (block128_f)AES_encrypt)) == NULL)
		goto end;
	CRYPTO_gcm128_setiv(g, iv, 12);
	if (aadlen > 0 && CRYPTO_gcm128_aad(g, aad, aadlen) != 0)
		goto end;
	if (enc) {
		if (CRYPTO_gcm128_encrypt(g, in, out, len) != 0)
			goto end;
		CRYPTO_gcm128_tag(g, tagout, 16);
		rc = 0;
	} else {
		if (CRYPTO_gcm128_decrypt(g, in, out, len) != 0)
			goto end;
		/* constant-time tag comparison inside */
		if (CRYPTO_gcm128_finish(g, tagin, 16) != 0) {
			OPENSSL_cleanse(out, len);
			goto end;
		}
		rc = 0;
	}
end:
	CRYPTO_gcm128_release(g);
	OPENSSL_cleanse(&ak, sizeof(ak));
	return rc;
}

int
jo_aes256gcm_seal(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *in, size_t len,
    unsigned char *out, unsigned char tag[16])
{
	return gcm(1, key, iv, aad, aadlen, in, len, tag, NULL, out);
}

int
jo_aes256gcm_open(const unsigned char key[32], const unsigned char iv[12],
    const void *aad, size_t aadlen, const void *in, size_t len,
    const unsigned char tag[16], unsigned char *out)
{
	return gcm(0, key, iv, aad, aadlen, in, len, NULL, tag, out);
}
