/* cache.c -- see cache.h
 *
 * Cache files, one pair per issuer (h = first 16 hex digits of the
 * SHA-256 of the issuer), written to a temporary file and renamed:
 *   h.discovery.json  {"issuer":..,"expires":N,"provider":{...}}
 *   h.jwks.json       {"issuer":..,"jwks_uri":..,"fetched":N,
 *                      "expires":N,"keys":[{kid,kty,alg,crv,bits,pem}]}
 * Their readers (oidc.c) check them against the configured issuer;
 * anything unreadable, foreign or expired is ignored and fetched again.
 * A cache that cannot be written is a warning, never a failure.
 *
 * Another local user must not be able to plant either file: cache_dir is
 * used only when it is ours (or root's) and writable by no one else; a
 * file is read only when it is a regular file of our own, writable by no
 * one else, with no second name, opened without following a symbolic
 * link or waiting on a FIFO; its expiry may lie no further ahead than
 * the longest we write (JO_CACHE_TTL_MAX).  Everything goes through one
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

#include "cache.h"
#include "json.h"
#include "util.h"

#define CACHE_FILE_MAX	(512 * 1024)

/* process-wide (state.h): the warning, said once */
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

char *
jo_cache_path(const struct jo_config *c, const char *what)
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

void
jo_cache_keep(const char *path, json_object *doc)
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
jo_cache_reset(void)
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
json_object *
jo_cache_get(const struct jo_config *c, const char *path, int pass)
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

void
jo_cache_write(const struct jo_config *c, const char *path, json_object *o)
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
int
jo_cache_fresh(long long exp, time_t now)
{
	return exp > now && exp <= (long long)now + JO_CACHE_TTL_MAX;
}
