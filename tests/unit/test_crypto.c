/* Unit tests: the provider-free primitives against the RFC test vectors
 * and against OpenSSL's EVP implementations of the same algorithms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "testutil.h"
#include "crypto.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void
sha256_matches_evp(void **st)
{
	unsigned char	 a[32], b[32], msg[300];
	unsigned int	 l;
	size_t		 n;
	char		 h[65];

	(void)st;
	jo_sha256("abc", 3, a);
	hex(a, 32, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	RAND_bytes(msg, sizeof(msg));
	for (n = 0; n <= sizeof(msg); n += 37) {
		jo_sha256(msg, n, a);
		EVP_Digest(msg, n, b, &l, EVP_sha256(), NULL);
		assert_memory_equal(a, b, 32);
	}
}

static void
hmac_rfc4231_vectors_and_evp(void **st)
{
	unsigned char	 key[131], mac[32], ref[32], msg[200];
	unsigned int	 l;
	char		 h[65];
	size_t		 k, m;

	(void)st;
	/* RFC 4231 test case 1 */
	memset(key, 0x0b, 20);
	jo_hmac_sha256(key, 20, "Hi There", 8, mac);
	hex(mac, 32, h);
	assert_string_equal(h, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	/* RFC 4231 test case 6: a key longer than the block */
	memset(key, 0xaa, 131);
	jo_hmac_sha256(key, 131, "Test Using Larger Than Block-Size Key - "
	    "Hash Key First", 54, mac);
	hex(mac, 32, h);
	assert_string_equal(h, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
	RAND_bytes(key, sizeof(key));
	RAND_bytes(msg, sizeof(msg));
	for (k = 0; k <= sizeof(key); k += 13)
		for (m = 0; m <= sizeof(msg); m += 51) {
			jo_hmac_sha256(key, k, msg, m, mac);
			HMAC(EVP_sha256(), key, (int)k, msg, m, ref, &l);
			assert_memory_equal(mac, ref, 32);
		}
}

static void
hkdf_rfc5869_vector_and_evp(void **st)
{
	unsigned char	 ikm[22], salt[13], info[10], okm[42], ref[100];
	unsigned char	 out[100];
	char		 h[85];
	size_t		 i, n;
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 p[5];

	(void)st;
	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)i;
	for (i = 0; i < sizeof(info); i++)
		info[i] = (unsigned char)(0xf0 + i);
	assert_int_equal(jo_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42), 0);
	hex(okm, 42, h);
	assert_string_equal(h, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a"
	    "4c5db02d56ecc4c5bf34007208d5b887185865");
	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	for (n = 1; n <= sizeof(out); n += 33) {
		ctx = EVP_KDF_CTX_new(kdf);
		p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
		    (char *)"SHA256", 0);
		p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
		    ikm, sizeof(ikm));
		p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    salt, sizeof(salt));
		p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
		    info, sizeof(info));
		p[4] = OSSL_PARAM_construct_end();
		assert_int_equal(EVP_KDF_derive(ctx, ref, n, p), 1);
		assert_int_equal(jo_hkdf_sha256(salt, 13, ikm, 22, info, 10, out,
		    n), 0);
		assert_memory_equal(out, ref, n);
		EVP_KDF_CTX_free(ctx);
	}
	EVP_KDF_free(kdf);
	assert_int_equal(jo_hkdf_sha256(salt, 13, ikm, 22, info, 10, out,
	    255 * 32 + 1), -1);
}

static void
aes_gcm_matches_evp_and_refuses_tampering(void **st)
{
	unsigned char	 key[32], iv[12], aad[40], pt[100], ct[100], ref[100];
	unsigned char	 tag[16], rtag[16], back[100];
	size_t		 n, a;
	int		 l;
	EVP_CIPHER_CTX	*c;

	(void)st;
	RAND_bytes(key, 32);
	RAND_bytes(iv, 12);
	RAND_bytes(aad, sizeof(aad));
	RAND_bytes(pt, sizeof(pt));
	for (n = 0; n <= sizeof(pt); n += 17)
		for (a = 0; a <= sizeof(aad); a += 13) {
			assert_int_equal(jo_aes256gcm_seal(key, iv, aad, a, pt, n,
			    ct, tag), 0);
			c = EVP_CIPHER_CTX_new();
			EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv);
			if (a)
				EVP_EncryptUpdate(c, NULL, &l, aad, (int)a);
			if (n)
				EVP_EncryptUpdate(c, ref, &l, pt, (int)n);
			EVP_EncryptFinal_ex(c, ref, &l);
			EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, rtag);
			EVP_CIPHER_CTX_free(c);
			if (n)
				assert_memory_equal(ct, ref, n);
			assert_memory_equal(tag, rtag, 16);
			assert_int_equal(jo_aes256gcm_open(key, iv, aad, a, ct, n,
			    tag, back), 0);
			if (n)
				assert_memory_equal(back, pt, n);
			tag[n % 16] ^= 1;
			assert_int_equal(jo_aes256gcm_open(key, iv, aad, a, ct, n,
			    tag, back), -1);
			tag[n % 16] ^= 1;
			if (n) {
				ct[0] ^= 0x80;
				assert_int_equal(jo_aes256gcm_open(key, iv, aad, a,
				    ct, n, tag, back), -1);
				ct[0] ^= 0x80;
			}
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_matches_evp),
		cmocka_unit_test(hmac_rfc4231_vectors_and_evp),
		cmocka_unit_test(hkdf_rfc5869_vector_and_evp),
		cmocka_unit_test(aes_gcm_matches_evp_and_refuses_tampering),
	};

	return RUN(tests);
}
