/* jws.c -- see jws.h
 *
 * libjwt is loaded when the first ID token is verified (or a Jitsi token
 * signed with RS256): only /redirect needs it, and with it jansson,
 * libb64 and OpenSSL's provider machinery; /authorize and /tokenize stay
 * without them.  The header is used for its types and constants only. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "dl.h"
#include "jws.h"
#include "util.h"

#ifndef JO_LIBJWT
#define JO_LIBJWT "libjwt.so.0"
#endif

static struct {
	__typeof__(jwt_decode)		*decode;
	__typeof__(jwt_get_alg)		*get_alg;
	__typeof__(jwt_free)		*free;
	__typeof__(jwt_new)		*new;
	__typeof__(jwt_set_alg)		*set_alg;
	__typeof__(jwt_add_header)	*add_header;
	__typeof__(jwt_add_grants_json)	*add_grants_json;
	__typeof__(jwt_encode_str)	*encode_str;
} lj;

/* process-wide: the library, once loaded (state.h) */
static void	*lj_lib;

static const struct jo_dl_sym lj_syms[] = {
	JO_DL_SYM(lj, decode, jwt_decode),
	JO_DL_SYM(lj, get_alg, jwt_get_alg),
	JO_DL_SYM(lj, free, jwt_free),
	JO_DL_SYM(lj, new, jwt_new),
	JO_DL_SYM(lj, set_alg, jwt_set_alg),
	JO_DL_SYM(lj, add_header, jwt_add_header),
	JO_DL_SYM(lj, add_grants_json, jwt_add_grants_json),
	JO_DL_SYM(lj, encode_str, jwt_encode_str),
};

static int
load(char *why, size_t wl)
{
	return jo_dl_open(&lj_lib, JO_LIBJWT, RTLD_LAZY | RTLD_LOCAL, lj_syms,
	    sizeof(lj_syms) / sizeof(lj_syms[0]), "libjwt", why, wl);
}

static int
alg_of(const char *name, jwt_alg_t *a)
{
	static const struct {
		const char	*name;
		jwt_alg_t	 alg;
	} algs[] = {
		{ "RS256", JWT_ALG_RS256 }, { "RS384", JWT_ALG_RS384 },
		{ "RS512", JWT_ALG_RS512 }, { "ES256", JWT_ALG_ES256 },
		{ "ES384", JWT_ALG_ES384 }, { "ES512", JWT_ALG_ES512 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (strcmp(name, algs[i].name) == 0) {
			*a = algs[i].alg;
			return 0;
		}
	return -1;
}

int
jo_jwt_verify(const char *token, const char *alg, const char *pem,
    char *why, size_t wl)
{
	jwt_alg_t	 a;
	jwt_t		*jwt = NULL;
	int		 ok;

	if (alg_of(alg, &a) == -1) {
		jo_why(why, wl, "alg %.20s is not one libjwt verifies here",
		    alg);
		return -1;
	}
	if (load(why, wl) == -1)
		return -1;
	/* never an empty key: libjwt would skip the check; and the
	 * token's alg must be the one pinned (libjwt follows the token) */
	ok = pem[0] != '\0' && lj.decode(&jwt, token,
	    (const unsigned char *)pem, (int)strlen(pem)) == 0 &&
	    jwt != NULL && lj.get_alg(jwt) == a;
	if (jwt != NULL)
		lj.free(jwt);
	return ok;
}

char *
jo_jwt_sign_rs256(const char *pem, const char *kid, const char *claims,
    char *why, size_t wl)
{
	jwt_t	*jwt = NULL;
	char	*out = NULL, *t;

	if (load(why, wl) == -1)
		return NULL;
	if (lj.new(&jwt) != 0 || jwt == NULL) {
		jo_why(why, wl, "libjwt: out of memory");
		return NULL;
	}
	if (lj.set_alg(jwt, JWT_ALG_RS256, (const unsigned char *)pem,
	    (int)strlen(pem)) != 0 || lj.add_header(jwt, "kid", kid) != 0 ||
	    lj.add_grants_json(jwt, claims) != 0) {
		jo_why(why, wl, "libjwt refused the RS256 key or the claims");
		goto end;
	}
	/* libjwt writes typ "JWT" itself; it checks the key when signing */
	if ((t = lj.encode_str(jwt)) == NULL) {
		jo_why(why, wl, "RS256 signing failed (is "
		    "jitsi_private_key_file an RSA private key?)");
		goto end;
	}
	out = jo_xstrdup(t);
	free(t);
end:
	lj.free(jwt);
	return out;
}
