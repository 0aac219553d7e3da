/* oidc.c -- see oidc.h
 *
 * Cache files, one pair per issuer (h = first 16 hex digits of the
 * SHA-256 of the issuer), written to a temporary file and renamed:
 *   h.discovery.json  {"issuer":..,"expires":N,"provider":{...}}
 *   h.jwks.json       {"issuer":..,"jwks_uri":..,"fetched":N,
 *                      "expires":N,"keys":[{kid,kty,alg,crv,bits,pem}]}
 * Both are checked against the configured issuer when read; anything
 * unreadable, foreign or expired is ignored and fetched again.  A cache
 * that cannot be written is a warning, never a failure.
 *
 * Another local user must not be able to plant either file: cache_dir is
 * used only when it is ours (or root's) and writable by no one else; a
 * file is read only when it is a regular file of our own, writable by no
 * one else, with no second name, opened without following a symbolic
 * link or waiting on a FIFO; its expiry may lie no further ahead than
 * the longest we write (TTL_MAX).  Everything goes through one
 * descriptor of the checked directory (openat, renameat). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "http.h"
#include "json.h"
#include "oidc.h"
#include "util.h"

#define CACHE_FILE_MAX	(512 * 1024)
#define TTL_MIN		300
#define TTL_MAX		86400
#define TTL_DEFAULT	3600
#define KEYS_MAX	32
#define RSA_MIN_BITS	2048

static int warned;

void
jo_cache_warn(const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	if (warned)
		return;
	warned = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	jo_log("warning: %s (working without the cache)", msg);
}

static char *
cache_path(const struct jo_config *c, const char *what)
{
	char	*h, *p;

	h = jo_sha256_hex(c->issuer, strlen(c->issuer));
	p = jo_xasprintf("%s/%.16s.%s.json", c->cache_dir, h, what);
	free(h);
	return p;
}

/* The file name of a cache path, relative to cache_dir. */
static const char *
cache_name(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* cache_dir, opened for one read or write and checked: a directory (a
 * symbolic link to one is followed, here only), owned by our user or
 * root, writable by no one else.  -1 with why set: it cannot be opened
 * (*unsafe 0), or it is not safe (*unsafe 1; why says how to fix it). */
static int
cache_dir_open(const struct jo_config *c, int *unsafe, char *why,
    size_t wl)
{
	struct stat	 st;
	struct passwd	*pw;
	char		 user[64];
	uid_t		 me = geteuid();
	int		 fd;

	*unsafe = 0;
	if ((fd = open(c->cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fstat(fd, &st) == -1) {
		jo_why(why, wl, "cannot create a file in cache_dir %s: %s",
		    c->cache_dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if ((st.st_uid == me || st.st_uid == 0) &&
	    (st.st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return fd;
	close(fd);
	*unsafe = 1;
	if ((pw = getpwuid(me)) != NULL)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "%u", (unsigned)me);
	if (st.st_uid != me && st.st_uid != 0)
		jo_why(why, wl, "cache_dir %s belongs to uid %u, not to the "
		    "adapter's user (%s, uid %u): not used; make it the "
		    "adapter's own: chown %s %s && chmod 0700 %s", c->cache_dir,
		    (unsigned)st.st_uid, user, (unsigned)me, user,
		    c->cache_dir, c->cache_dir);
	else
		jo_why(why, wl, "cache_dir %s is writable by group or others "
		    "(mode %04o): not used; make it the adapter's own: chown "
		    "%s %s && chmod 0700 %s", c->cache_dir,
		    (unsigned)(st.st_mode & 07777), user, c->cache_dir,
		    c->cache_dir);
	return -1;
}

int
jo_cache_dir_ok(const struct jo_config *c, char *why, size_t wl)
{
	int	 fd, unsafe;

	if ((fd = cache_dir_open(c, &unsafe, why, wl)) == -1)
		return -1;
	close(fd);
	return 0;
}

static json_object *
cache_read(const struct jo_config *c, const char *path)
{
	struct stat	 st;
	char		*buf, why[512];
	ssize_t		 n;
	size_t		 len = 0;
	int		 dfd, fd, unsafe;
	json_object	*o = NULL;

	if ((dfd = cache_dir_open(c, &unsafe, why, sizeof(why))) == -1) {
		if (unsafe)
			jo_cache_warn("%s", why);
		return NULL;
	}
	fd = openat(dfd, cache_name(path),
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd == -1)
		return NULL;
	/* only what we wrote ourselves: no one else's file, no file
	 * another could write, no second name of a file elsewhere */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) ||
	    st.st_nlink != 1 ||
	    st.st_size <= 0 || st.st_size > CACHE_FILE_MAX) {
		close(fd);
		return NULL;
	}
	buf = jo_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (len == (size_t)st.st_size)
		o = jo_json_object(buf, len, 32);
	free(buf);
	return o;
}

/* A long-lived (FastCGI) process also keeps the cache files' contents in
 * memory, under the same expiry; the files stay the copy shared between
 * processes.  A CGI run never finds anything here. */
#define MEM_SLOTS	8
static struct {
	char		*path;
	json_object	*doc;
} mem[MEM_SLOTS];
static unsigned	 mem_next;

static json_object *
mem_get(const char *path)
{
	size_t	 i;

	for (i = 0; i < MEM_SLOTS; i++)
		if (mem[i].path != NULL && strcmp(mem[i].path, path) == 0)
			return json_object_get(mem[i].doc);
	return NULL;
}

static void
mem_put(const char *path, json_object *doc)
{
	size_t	 i;

	for (i = 0; i < MEM_SLOTS; i++)
		if (mem[i].path != NULL && strcmp(mem[i].path, path) == 0)
			break;
	if (i == MEM_SLOTS)
		i = mem_next++ % MEM_SLOTS;
	free(mem[i].path);
	json_object_put(mem[i].doc);
	mem[i].path = jo_xstrdup(path);
	mem[i].doc = json_object_get(doc);
}

void
jo_oidc_reset(void)
{
	size_t	 i;

	for (i = 0; i < MEM_SLOTS; i++) {
		free(mem[i].path);
		json_object_put(mem[i].doc);
	}
	memset(mem, 0, sizeof(mem));
	mem_next = 0;
	warned = 0;
}

/* The cached document: from memory, else from the file (kept in memory
 * once it passes the caller's check). */
static json_object *
cache_get(const struct jo_config *c, const char *path, int pass)
{
	return pass == 0 ? mem_get(path) : cache_read(c, path);
}

/* A new file in the directory, as mkstemp(3) does but relative to dfd:
 * a name never used (O_EXCL: not a planted file or symbolic link),
 * mode 0600 until it is whole.  tmp is ".tmp.XXXXXX". */
static int
tmp_create(int dfd, char *tmp)
{
	static const char	 abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char		 r[6];
	size_t			 i;
	int			 fd, tries;

	for (tries = 0; tries < 100; tries++) {
		if (jo_random(r, sizeof(r)) == -1)
			return -1;
		for (i = 0; i < sizeof(r); i++)
			tmp[5 + i] = abc[r[i] % (sizeof(abc) - 1)];
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static void
cache_write(const struct jo_config *c, const char *path, json_object *o)
{
	const char	*s;
	char		 tmp[] = ".tmp.XXXXXX", why[512];
	size_t		 len, off = 0;
	ssize_t		 n;
	int		 dfd, fd, bad, unsafe;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	len = strlen(s);
	if ((dfd = cache_dir_open(c, &unsafe, why, sizeof(why))) == -1) {
		jo_cache_warn("%s", why);
		return;
	}
	if ((fd = tmp_create(dfd, tmp)) == -1) {
		jo_cache_warn("cannot create a file in cache_dir %s: %s",
		    c->cache_dir, strerror(errno));
		close(dfd);
		return;
	}
	while (off < len) {
		n = write(fd, s + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			jo_cache_warn("cannot write %s/%s: %s", c->cache_dir,
			    tmp, n < 0 ? strerror(errno) : "short write");
			close(fd);
			unlinkat(dfd, tmp, 0);
			close(dfd);
			return;
		}
		off += (size_t)n;
	}
	/* the descriptor is closed whatever fchmod says */
	bad = fchmod(fd, 0644) == -1;
	if (close(fd) == -1)
		bad = 1;
	/* renameat replaces a planted symbolic link or FIFO itself, never
	 * what it points to; a planted directory stays, with a warning */
	if (bad || renameat(dfd, tmp, dfd, cache_name(path)) == -1) {
		jo_cache_warn("cannot store %s: %s", path, strerror(errno));
		unlinkat(dfd, tmp, 0);
	}
	close(dfd);
}

/* An expiry we could have written: ahead, and by no more than the
 * longest time-to-live we write (a file of ours written under a clock
 * that was ahead is not kept for as long as that clock was off). */
static int
fresh(long long exp, time_t now)
{
	return exp > now && exp <= (long long)now + TTL_MAX;
}

static int
jint(json_object *o, const char *key, long long *out)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	*out = json_object_get_int64(v);
	return 0;
}

static long
ttl_of(const struct jo_http_resp *r)
{
	if (r->no_store)
		return TTL_MIN;
	if (r->max_age < 0)
		return TTL_DEFAULT;
	if (r->max_age < TTL_MIN)
		return TTL_MIN;
	if (r->max_age > TTL_MAX)
		return TTL_MAX;
	return r->max_age;
}

/* Parse JSON text that must be one complete object. */
static json_object *
parse_object(const char *s, size_t len, char *why, size_t wl,
    const char *what)
{
	json_object	*o;

	if ((o = jo_json_object(s, len, 32)) == NULL)
		jo_why(why, wl, "%s is not a JSON object", what);
	return o;
}

void
jo_provider_free(struct jo_provider *p)
{
	free(p->authorization_endpoint);
	free(p->token_endpoint);
	free(p->jwks_uri);
	free(p->userinfo_endpoint);
	free(p->end_session_endpoint);
	memset(p, 0, sizeof(*p));
}

static int
endpoint(json_object *o, const char *key, int required, char **out,
    char *why, size_t wl)
{
	const char	*v;
	char		 sub[256];

	*out = NULL;
	if ((v = jo_json_str(o, key)) == NULL) {
		if (!required)
			return 0;
		jo_why(why, wl, "discovery document has no %s", key);
		return -1;
	}
	if (jo_url_ok(v, sub, sizeof(sub)) == -1) {
		jo_why(why, wl, "discovery %s: %s", key, sub);
		return -1;
	}
	*out = jo_xstrdup(v);
	return 0;
}

static int
provider_from(json_object *o, struct jo_provider *p, char *why, size_t wl)
{
	memset(p, 0, sizeof(*p));
	if (endpoint(o, "authorization_endpoint", 1,
	    &p->authorization_endpoint, why, wl) == -1 ||
	    endpoint(o, "token_endpoint", 1, &p->token_endpoint, why,
	    wl) == -1 ||
	    endpoint(o, "jwks_uri", 1, &p->jwks_uri, why, wl) == -1 ||
	    endpoint(o, "userinfo_endpoint", 0, &p->userinfo_endpoint, why,
	    wl) == -1 ||
	    endpoint(o, "end_session_endpoint", 0, &p->end_session_endpoint,
	    why, wl) == -1) {
		jo_provider_free(p);
		return -1;
	}
	return 0;
}

int
jo_discovery_parse(const char *issuer, const char *s, size_t len,
    struct jo_provider *p, char *why, size_t wl)
{
	json_object	*o;
	const char	*iss;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	if ((o = parse_object(s, len, why, wl, "discovery document")) == NULL)
		return -1;
	/* OpenID Connect Discovery 1.0, section 4.3. */
	if ((iss = jo_json_str(o, "issuer")) == NULL || strcmp(iss, issuer) != 0) {
		jo_why(why, wl, "discovery issuer (%.200s) does not match "
		    "the configured issuer (%s)", iss ? iss : "missing",
		    issuer);
		goto end;
	}
	rc = provider_from(o, p, why, wl);
end:
	json_object_put(o);
	return rc;
}

static void
add_str(json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

int
jo_discover(const struct jo_config *c, struct jo_provider *p, char *why,
    size_t wl)
{
	struct jo_http_resp	 r;
	json_object		*o, *prov;
	const char		*iss;
	char			*path, *url;
	long long		 exp;
	time_t			 now = jo_now();
	int			 rc = -1, pass;

	path = cache_path(c, "discovery");
	for (pass = 0; pass < 2; pass++) {
		if ((o = cache_get(c, path, pass)) == NULL)
			continue;
		if ((iss = jo_json_str(o, "issuer")) != NULL &&
		    strcmp(iss, c->issuer) == 0 &&
		    jint(o, "expires", &exp) == 0 && fresh(exp, now) &&
		    json_object_object_get_ex(o, "provider", &prov) &&
		    provider_from(prov, p, why, wl) == 0) {
			if (pass == 1)
				mem_put(path, o);
			json_object_put(o);
			free(path);
			return 0;
		}
		json_object_put(o);
	}
	/* Discovery 1.0, 4: a trailing "/" of the issuer is removed before
	 * the path is appended; the issuer itself is compared as written */
	url = jo_xasprintf("%.*s/.well-known/openid-configuration",
	    (int)(strlen(c->issuer) - (c->issuer[strlen(c->issuer) - 1] == '/')),
	    c->issuer);
	if (jo_http_get(url, c->http_timeout, &r, why, wl) == -1)
		goto end;
	if (r.status != 200) {
		jo_why(why, wl, "discovery %s answered HTTP %ld, expected "
		    "200", url, r.status);
		goto end;
	}
	if (jo_discovery_parse(c->issuer, r.body, r.len, p, why, wl) == -1)
		goto end;
	o = json_object_new_object();
	add_str(o, "issuer", c->issuer);
	json_object_object_add(o, "expires",
	    json_object_new_int64((int64_t)now + ttl_of(&r)));
	prov = json_object_new_object();
	add_str(prov, "authorization_endpoint", p->authorization_endpoint);
	add_str(prov, "token_endpoint", p->token_endpoint);
	add_str(prov, "jwks_uri", p->jwks_uri);
	add_str(prov, "userinfo_endpoint", p->userinfo_endpoint);
	add_str(prov, "end_session_endpoint", p->end_session_endpoint);
	json_object_object_add(o, "provider", prov);
	cache_write(c, path, o);
	mem_put(path, o);
	json_object_put(o);
	rc = 0;
end:
	jo_http_resp_free(&r);
	free(url);
	free(path);
	return rc;
}

void
jo_keys_free(struct jo_keys *k)
{
	size_t	 i;

	for (i = 0; i < k->n; i++) {
		free(k->v[i].kid);
		free(k->v[i].kty);
		free(k->v[i].alg);
		free(k->v[i].crv);
		free(k->v[i].pem);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

/* JWK -> SubjectPublicKeyInfo (RFC 5280, RFC 3279, RFC 5480), DER-encoded
 * here and wrapped in PEM, for libjwt.  No OpenSSL call: building keys
 * through EVP would load OpenSSL's provider machinery into every process
 * that reads the cache.  A malformed key is refused by OpenSSL when a
 * signature is verified with it. */

static void
der_len(struct jo_buf *b, size_t n)
{
	unsigned char	 l[5];

	if (n < 0x80) {
		l[0] = (unsigned char)n;
		jo_buf_add(b, l, 1);
	} else if (n < 0x100) {
		l[0] = 0x81;
		l[1] = (unsigned char)n;
		jo_buf_add(b, l, 2);
	} else {
		l[0] = 0x82;
		l[1] = (unsigned char)(n >> 8);
		l[2] = (unsigned char)n;
		jo_buf_add(b, l, 3);
	}
}

/* tag, length, contents */
static void
der_tlv(struct jo_buf *b, unsigned char tag, const void *p, size_t n)
{
	jo_buf_add(b, &tag, 1);
	der_len(b, n);
	jo_buf_add(b, p, n);
}

/* A positive INTEGER from big-endian bytes: no leading zeros, and a 0x00
 * in front when the top bit is set. */
static void
der_uint(struct jo_buf *b, const unsigned char *p, size_t n)
{
	struct jo_buf	 v = { 0 };
	unsigned char	 z = 0;

	while (n > 1 && *p == 0) {
		p++;
		n--;
	}
	if (n == 0 || (*p & 0x80))
		jo_buf_add(&v, &z, 1);
	jo_buf_add(&v, p, n);
	der_tlv(b, 0x02, v.p, v.len);
	jo_buf_free(&v);
}

static char *
pem_of(const struct jo_buf *der)
{
	struct jo_buf	 b = { 0 }, b64 = { 0 };
	char		*u, *c;
	size_t		 i;

	/* standard base64 with padding, in lines of 64 */
	u = jo_b64url_encode((const unsigned char *)der->p, der->len);
	for (c = u; *c != '\0'; c++)
		*c = *c == '-' ? '+' : *c == '_' ? '/' : *c;
	jo_buf_adds(&b64, u);
	while (b64.len % 4 != 0)
		jo_buf_add(&b64, "=", 1);
	jo_buf_adds(&b, "-----BEGIN PUBLIC KEY-----\n");
	for (i = 0; i < b64.len; i += 64) {
		jo_buf_add(&b, b64.p + i, b64.len - i < 64 ? b64.len - i : 64);
		jo_buf_add(&b, "\n", 1);
	}
	jo_buf_adds(&b, "-----END PUBLIC KEY-----\n");
	free(u);
	jo_buf_free(&b64);
	return jo_buf_take(&b);
}

static unsigned char *
b64_field(json_object *o, const char *key, size_t max, size_t *len)
{
	const char	*s;
	unsigned char	*raw;

	if ((s = jo_json_str(o, key)) == NULL || strlen(s) > max ||
	    jo_b64url_decode(s, strlen(s), &raw, len) == -1)
		return NULL;
	if (*len == 0) {
		free(raw);
		return NULL;
	}
	return raw;
}

/* One JWK (RSA or EC) to a PEM public key. */
static int
jwk_convert(json_object *jwk, struct jo_key *k, char *why, size_t wl)
{
	/* AlgorithmIdentifier for rsaEncryption (with NULL parameters), and
	 * id-ecPublicKey, each followed by the curve's OID for EC */
	static const unsigned char rsa_alg[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
	static const unsigned char ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x02, 0x01 };
	static const unsigned char p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	    0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const unsigned char p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04,
	    0x00, 0x22 };
	static const unsigned char p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04,
	    0x00, 0x23 };
	/* bits: the BIT STRING's content, starting with 0 unused bits */
	struct jo_buf	 key = { 0 }, bits = { 0 }, spki = { 0 }, alg = { 0 };
	struct jo_buf	 der = { 0 };
	unsigned char	*n = NULL, *e = NULL, *x = NULL, *y = NULL, zero = 0;
	const unsigned char *curve;
	size_t		 nlen, elen, xlen, ylen, flen, curvelen, i;
	int		 rc = -1;

	if (strcmp(k->kty, "RSA") == 0) {
		if ((n = b64_field(jwk, "n", 2048, &nlen)) == NULL ||
		    (e = b64_field(jwk, "e", 64, &elen)) == NULL) {
			jo_why(why, wl, "RSA key without valid n and e");
			goto end;
		}
		for (i = 0; i < nlen && n[i] == 0; i++)
			;
		k->bits = i == nlen ? 0 : (int)((nlen - i) * 8);
		if (i < nlen)
			for (unsigned char top = n[i]; !(top & 0x80); top <<= 1)
				k->bits--;
		if (k->bits < RSA_MIN_BITS) {
			rc = 0;		/* kept, but never used */
			goto end;
		}
		der_uint(&key, n, nlen);
		der_uint(&key, e, elen);
		jo_buf_add(&bits, &zero, 1);
		der_tlv(&bits, 0x30, key.p, key.len);
		jo_buf_add(&alg, rsa_alg, sizeof(rsa_alg));
	} else {
		if (k->crv == NULL) {
			jo_why(why, wl, "EC key without crv");
			goto end;
		}
		if (strcmp(k->crv, "P-256") == 0) {
			curve = p256;
			curvelen = sizeof(p256);
			flen = 32;
		} else if (strcmp(k->crv, "P-384") == 0) {
			curve = p384;
			curvelen = sizeof(p384);
			flen = 48;
		} else if (strcmp(k->crv, "P-521") == 0) {
			curve = p521;
			curvelen = sizeof(p521);
			flen = 66;
		} else {
			jo_why(why, wl, "EC curve %.20s not supported", k->crv);
			goto end;
		}
		if ((x = b64_field(jwk, "x", 100, &xlen)) == NULL ||
		    xlen != flen ||
		    (y = b64_field(jwk, "y", 100, &ylen)) == NULL ||
		    ylen != flen) {
			jo_why(why, wl, "EC key without valid x and y");
			goto end;
		}
		k->bits = (int)flen * 8;
		/* AlgorithmIdentifier: SEQUENCE { id-ecPublicKey, curve } */
		jo_buf_add(&key, ec_oid, sizeof(ec_oid));
		jo_buf_add(&key, curve, curvelen);
		der_tlv(&alg, 0x30, key.p, key.len);
		/* the uncompressed point 04 | x | y */
		jo_buf_add(&bits, &zero, 1);
		jo_buf_add(&bits, "\x04", 1);
		jo_buf_add(&bits, x, xlen);
		jo_buf_add(&bits, y, ylen);
	}
	/* SEQUENCE { AlgorithmIdentifier, BIT STRING } */
	jo_buf_add(&spki, alg.p, alg.len);
	der_tlv(&spki, 0x03, bits.p, bits.len);
	der_tlv(&der, 0x30, spki.p, spki.len);
	k->pem = pem_of(&der);
	rc = 0;
end:
	free(n);
	free(e);
	free(x);
	free(y);
	jo_buf_free(&key);
	jo_buf_free(&bits);
	jo_buf_free(&spki);
	jo_buf_free(&alg);
	jo_buf_free(&der);
	return rc;
}

static char *
dupopt(const char *s)
{
	return s ? jo_xstrdup(s) : NULL;
}

int
jo_jwks_parse(const char *s, size_t len, struct jo_keys *ks, char *why,
    size_t wl)
{
	json_object	*o, *arr, *jwk;
	const char	*kty, *use;
	struct jo_key	 k;
	char		 sub[256];
	size_t		 i, j, n, usable;

	memset(ks, 0, sizeof(*ks));
	if ((o = parse_object(s, len, why, wl, "JWKS")) == NULL)
		return -1;
	if (!json_object_object_get_ex(o, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		jo_why(why, wl, "JWKS has no \"keys\" array");
		json_object_put(o);
		return -1;
	}
	n = json_object_array_length(arr);
	/* KEYS_MAX usable keys; one refused as too weak (kept without a
	 * PEM, for --check-config) only while there is room, and it gives
	 * its place up to a usable key */
	for (i = 0, usable = 0; i < n && usable < KEYS_MAX; i++) {
		jwk = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(jwk, json_type_object))
			continue;
		kty = jo_json_str(jwk, "kty");
		use = jo_json_str(jwk, "use");
		if (kty == NULL || (strcmp(kty, "RSA") != 0 &&
		    strcmp(kty, "EC") != 0))
			continue;
		if (use != NULL && strcmp(use, "sig") != 0)
			continue;
		memset(&k, 0, sizeof(k));
		k.kty = jo_xstrdup(kty);
		k.kid = dupopt(jo_json_str(jwk, "kid"));
		k.alg = dupopt(jo_json_str(jwk, "alg"));
		k.crv = dupopt(jo_json_str(jwk, "crv"));
		if (jwk_convert(jwk, &k, sub, sizeof(sub)) == -1) {
			/* A broken key is left out; the others may do. */
			free(k.kid);
			free(k.kty);
			free(k.alg);
			free(k.crv);
			free(k.pem);
			continue;
		}
		if (ks->n == KEYS_MAX) {
			for (j = 0; j < ks->n && ks->v[j].pem != NULL; j++)
				;
			if (k.pem == NULL || j == ks->n) {
				free(k.kid);
				free(k.kty);
				free(k.alg);
				free(k.crv);
				free(k.pem);
				continue;
			}
			free(ks->v[j].kid);
			free(ks->v[j].kty);
			free(ks->v[j].alg);
			free(ks->v[j].crv);
			memmove(&ks->v[j], &ks->v[j + 1],
			    (ks->n - j - 1) * sizeof(*ks->v));
			ks->n--;
		}
		ks->v = jo_xrealloc(ks->v, (ks->n + 1) * sizeof(*ks->v));
		ks->v[ks->n++] = k;
		if (k.pem != NULL)
			usable++;
	}
	json_object_put(o);
	if (ks->n == 0) {
		jo_why(why, wl, "JWKS holds no usable RSA or EC signing key");
		return -1;
	}
	return 0;
}

static json_object *
keys_to_json(const struct jo_config *c, const struct jo_provider *p,
    const struct jo_keys *ks, time_t expires)
{
	json_object	*o, *arr, *k;
	size_t		 i;

	o = json_object_new_object();
	add_str(o, "issuer", c->issuer);
	add_str(o, "jwks_uri", p->jwks_uri);
	json_object_object_add(o, "fetched",
	    json_object_new_int64((int64_t)ks->fetched));
	json_object_object_add(o, "expires",
	    json_object_new_int64((int64_t)expires));
	arr = json_object_new_array();
	for (i = 0; i < ks->n; i++) {
		k = json_object_new_object();
		add_str(k, "kid", ks->v[i].kid);
		add_str(k, "kty", ks->v[i].kty);
		add_str(k, "alg", ks->v[i].alg);
		add_str(k, "crv", ks->v[i].crv);
		add_str(k, "pem", ks->v[i].pem);
		json_object_object_add(k, "bits",
		    json_object_new_int(ks->v[i].bits));
		json_object_array_add(arr, k);
	}
	json_object_object_add(o, "keys", arr);
	return o;
}

static int
keys_from_json(json_object *o, struct jo_keys *ks)
{
	json_object	*arr, *k;
	const char	*kty;
	long long	 v;
	size_t		 i, n;

	memset(ks, 0, sizeof(*ks));
	if (!json_object_object_get_ex(o, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    jint(o, "fetched", &v) == -1)
		return -1;
	ks->fetched = (time_t)v;
	n = json_object_array_length(arr);
	if (n == 0 || n > KEYS_MAX)
		return -1;
	ks->v = jo_xmalloc(n * sizeof(*ks->v));
	for (i = 0; i < n; i++) {
		k = json_object_array_get_idx(arr, i);
		if ((kty = jo_json_str(k, "kty")) == NULL ||
		    jint(k, "bits", &v) == -1 || v < 0 || v > 65536) {
			jo_keys_free(ks);
			return -1;
		}
		memset(&ks->v[i], 0, sizeof(ks->v[i]));
		ks->n++;
		ks->v[i].kty = jo_xstrdup(kty);
		ks->v[i].kid = dupopt(jo_json_str(k, "kid"));
		ks->v[i].alg = dupopt(jo_json_str(k, "alg"));
		ks->v[i].crv = dupopt(jo_json_str(k, "crv"));
		ks->v[i].pem = dupopt(jo_json_str(k, "pem"));
		ks->v[i].bits = (int)v;
	}
	return 0;
}

int
jo_jwks_load(const struct jo_config *c, const struct jo_provider *p,
    int refresh, struct jo_keys *ks, char *why, size_t wl)
{
	struct jo_http_resp	 r;
	json_object		*o;
	const char		*s;
	char			*path;
	long long		 exp;
	time_t			 now = jo_now();
	int			 rc = -1, cached = 0, pass;

	memset(ks, 0, sizeof(*ks));
	memset(&r, 0, sizeof(r));
	path = cache_path(c, "jwks");
	/* a forced re-fetch looks at the file first: another process may
	 * have fetched the new keys already */
	for (pass = refresh ? 1 : 0; pass < 2 && !cached; pass++) {
		if ((o = cache_get(c, path, pass)) == NULL)
			continue;
		if ((s = jo_json_str(o, "issuer")) != NULL &&
		    strcmp(s, c->issuer) == 0 &&
		    (s = jo_json_str(o, "jwks_uri")) != NULL &&
		    strcmp(s, p->jwks_uri) == 0 &&
		    jint(o, "expires", &exp) == 0 && fresh(exp, now) &&
		    keys_from_json(o, ks) == 0) {
			cached = 1;
			if (pass == 1)
				mem_put(path, o);
		} else
			jo_keys_free(ks);
		json_object_put(o);
	}
	if (cached && !refresh) {
		free(path);
		return 0;
	}
	if (cached && now - ks->fetched < JO_JWKS_REFETCH_MIN &&
	    now >= ks->fetched) {
		free(path);
		return 1;
	}
	jo_keys_free(ks);
	if (jo_http_get(p->jwks_uri, c->http_timeout, &r, why, wl) == -1)
		goto end;
	if (r.status != 200) {
		jo_why(why, wl, "JWKS %s answered HTTP %ld, expected 200",
		    p->jwks_uri, r.status);
		goto end;
	}
	if (jo_jwks_parse(r.body, r.len, ks, why, wl) == -1)
		goto end;
	ks->fetched = now;
	o = keys_to_json(c, p, ks, now + ttl_of(&r));
	cache_write(c, path, o);
	mem_put(path, o);
	json_object_put(o);
	rc = 0;
end:
	jo_http_resp_free(&r);
	free(path);
	return rc;
}
