/* util.c -- see util.h */
#include <sys/mman.h>
#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crypto.h"
#include "util.h"

static const char *log_route = "-";

/* Where responses and log lines go: standard output and error (CGI), or
 * the streams of the FastCGI request being served. */
static void	 fd_write(void *, int, const char *, size_t);
static struct jo_io io_fd = { fd_write, NULL };
static const struct jo_io *io = &io_fd;

static void
fd_write(void *arg, int err, const char *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	(void)arg;
	while (off < len) {
		n = write(err ? STDERR_FILENO : STDOUT_FILENO, p + off,
		    len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

void
jo_io_set(const struct jo_io *i)
{
	io = i != NULL ? i : &io_fd;
}

void
jo_io_write(int err, const char *p, size_t len)
{
	io->write(io->arg, err, p, len);
}

static void
oom(void)
{
	static const char msg[] = "jitsi-oidc: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(70);
}

void *
jo_xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		oom();
	return p;
}

void *
jo_xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		oom();
	return p;
}

char *
jo_xstrndup(const char *s, size_t n)
{
	char	*p;

	p = jo_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
jo_xstrdup(const char *s)
{
	return jo_xstrndup(s, strlen(s));
}

static void
buf_grow(struct jo_buf *b, size_t more)
{
	size_t	 need;

	if (more > SIZE_MAX / 2 - b->len)
		oom();
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->p = jo_xrealloc(b->p, b->cap);
	b->p[b->len] = '\0';	/* terminated even before the first add */
}

void
jo_buf_add(struct jo_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
jo_buf_adds(struct jo_buf *b, const char *s)
{
	jo_buf_add(b, s, strlen(s));
}

static void	buf_vaddf(struct jo_buf *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
buf_vaddf(struct jo_buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	/* Straight into the spare room; only when that is too small is the
	 * length known and the text written again (glibc's counting pass
	 * into no buffer costs more than the writing). */
	buf_grow(b, 256);
	va_copy(ap2, ap);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->p[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
jo_buf_addf(struct jo_buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
jo_buf_take(struct jo_buf *b)
{
	char	*p;

	if (b->p == NULL)
		return jo_xstrdup("");
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
jo_buf_free(struct jo_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
jo_wipe_free(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

char *
jo_xasprintf(const char *fmt, ...)
{
	struct jo_buf	 b = { 0 };
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return jo_buf_take(&b);
}

void
jo_log_route(const char *r)
{
	log_route = r;
}

/* One UTF-8 sequence at s: its length and code point, or 0 when it is
 * not valid (overlong, a surrogate, beyond U+10FFFF, cut short). */
static size_t
utf8_one(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	 need, k;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		need = 1;
		*cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 2;
		*cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 3;
		*cp = s[0] & 0x07;
	} else
		return 0;
	if (need >= n)
		return 0;
	for (k = 1; k <= need; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[k] & 0x3f);
	}
	if ((need == 1 && *cp < 0x80) || (need == 2 && *cp < 0x800) ||
	    (need == 3 && *cp < 0x10000) || *cp > 0x10ffff ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return need + 1;
}

/* Code points that a terminal or a log viewer does not show as text:
 * C1 controls (NEL, CSI), the soft hyphen, bidi marks, embeddings,
 * overrides and isolates, line and paragraph separators, zero-width and
 * invisible characters, the BOM, interlinear annotations, tags. */
static int
log_hidden(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	    cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0xe0000 && cp <= 0xe007f);
}

/* One log line: at most JO_LOG_MAX bytes with its newline, so that it
 * fits one FastCGI stderr record (libfcgi's stream sends 504 bytes a
 * record, and a web server logs each record as an entry of its own);
 * every byte that is not printable UTF-8, and every code point that
 * changes how text is shown, escaped. */
void
jo_log(const char *fmt, ...)
{
	struct jo_buf	 raw = { 0 }, out = { 0 };
	va_list		 ap;
	size_t		 i, n, mark;
	uint32_t	 cp;
	unsigned char	 c;

	va_start(ap, fmt);
	buf_vaddf(&raw, fmt, ap);
	va_end(ap);
	jo_buf_addf(&out, "jitsi-oidc: %s: ", log_route);
	for (i = 0; i < raw.len; i += n) {
		mark = out.len;
		c = (unsigned char)raw.p[i];
		n = utf8_one((unsigned char *)raw.p + i, raw.len - i, &cp);
		if (n == 0) {
			jo_buf_addf(&out, "\\x%02x", c);
			n = 1;
		} else if (c == '\n')
			jo_buf_adds(&out, "\\n");
		else if (c == '\r')
			jo_buf_adds(&out, "\\r");
		else if (c == '\t')
			jo_buf_adds(&out, "\\t");
		else if (c == '\\')
			jo_buf_adds(&out, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			jo_buf_addf(&out, "\\x%02x", c);
		else if (log_hidden(cp))
			jo_buf_addf(&out, "\\u{%04x}", (unsigned)cp);
		else
			jo_buf_add(&out, raw.p + i, n);
		if (out.len > JO_LOG_MAX - 6) {
			/* never half an escape or half a character; not
			 * "...": nginx strips trailing dots from the entry */
			out.len = mark;
			jo_buf_adds(&out, "[...]");
			break;
		}
	}
	jo_buf_add(&out, "\n", 1);
	jo_io_write(1, out.p, out.len);
	jo_buf_free(&raw);
	jo_buf_free(&out);
}

/* The length of s without its trailing blanks (space, tab, CR, LF);
 * 0 for NULL.  For a provider's text worth printing. */
size_t
jo_rtrim_len(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return 0;
	for (n = strlen(s); n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL; n--)
		;
	return n;
}

void
jo_why(char *why, size_t len, const char *fmt, ...)
{
	va_list	 ap;

	if (why == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
jo_b64url_encode(const unsigned char *in, size_t n)
{
	struct jo_buf	 b = { 0 };
	size_t		 i;
	uint32_t	 v;
	char		 q[4];

	buf_grow(&b, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		q[0] = b64u[v >> 18 & 63];
		q[1] = b64u[v >> 12 & 63];
		q[2] = b64u[v >> 6 & 63];
		q[3] = b64u[v & 63];
		jo_buf_add(&b, q, 4);
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		q[0] = b64u[v >> 18 & 63];
		q[1] = b64u[v >> 12 & 63];
		jo_buf_add(&b, q, 2);
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		q[0] = b64u[v >> 18 & 63];
		q[1] = b64u[v >> 12 & 63];
		q[2] = b64u[v >> 6 & 63];
		jo_buf_add(&b, q, 3);
	}
	return jo_buf_take(&b);
}

static int
b64u_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
jo_b64url_decode(const char *in, size_t n, unsigned char **out, size_t *outlen)
{
	unsigned char	*o;
	size_t		 i, j = 0;
	uint32_t	 acc = 0;
	int		 v, bits = 0;

	*out = NULL;
	*outlen = 0;
	if (n % 4 == 1)
		return -1;
	o = jo_xmalloc(n / 4 * 3 + 3);
	for (i = 0; i < n; i++) {
		if ((v = b64u_val((unsigned char)in[i])) < 0) {
			free(o);
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[j++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero (canonical encoding). */
	if (acc != 0) {
		free(o);
		return -1;
	}
	o[j] = '\0';
	*out = o;
	*outlen = j;
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
jo_pct_decode(const char *in, size_t n, int plus, char **out, size_t *outlen)
{
	char	*o;
	size_t	 i, j = 0;
	int	 hi, lo;

	o = jo_xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (in[i] == '%') {
			if (i + 2 >= n ||
			    (hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0) {
				free(o);
				return -1;
			}
			o[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && in[i] == '+')
			o[j++] = ' ';
		else
			o[j++] = in[i];
	}
	o[j] = '\0';
	*out = o;
	if (outlen)
		*outlen = j;
	return 0;
}

void
jo_pct_encode(struct jo_buf *b, const char *s, size_t n, int lower)
{
	static const char up[] = "0123456789ABCDEF", lo[] = "0123456789abcdef";
	const char	*hex = lower ? lo : up;
	unsigned char	 c;
	char		 e[3];
	size_t		 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-_.!~*'()", c) != NULL) {
			if (c == '\0')
				goto esc;
			jo_buf_add(b, &c, 1);
			continue;
		}
esc:
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		jo_buf_add(b, e, 3);
	}
}

void
jo_form_encode(struct jo_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	 c;
	char		 e[3];

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			jo_buf_add(b, &c, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		jo_buf_add(b, e, 3);
	}
}

void
jo_html_escape(struct jo_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			jo_buf_adds(b, "&lt;");
			break;
		case '>':
			jo_buf_adds(b, "&gt;");
			break;
		case '&':
			jo_buf_adds(b, "&amp;");
			break;
		case '"':
			jo_buf_adds(b, "&quot;");
			break;
		case '\'':
			jo_buf_adds(b, "&#39;");
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				jo_buf_adds(b, "&#xfffd;");
			else
				jo_buf_add(b, s, 1);
		}
	}
}

static int
os_random(void *p, size_t n)
{
	unsigned char	*c = p;
	ssize_t		 r;

	while (n > 0) {
		r = getrandom(c, n > 256 ? 256 : n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Random bytes are drawn from the kernel a page at a time and handed out
 * once each (a request needs four draws).  The page is wiped by the
 * kernel in a forked child (MADV_WIPEONFORK), so that no two processes
 * can ever hand out the same bytes; where that is not available, every
 * draw goes to the kernel. */
#define POOL_SIZE	4096
static struct pool {
	size_t		 left;
	unsigned char	 b[POOL_SIZE - sizeof(size_t)];
}		*pool;
static int	 pool_tried;

int
jo_random(void *p, size_t n)
{
	void	*m;

	if (!pool_tried) {
		pool_tried = 1;
		m = mmap(NULL, POOL_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			if (madvise(m, POOL_SIZE, MADV_WIPEONFORK) == 0)
				pool = m;
			else
				munmap(m, POOL_SIZE);
		}
	}
	if (pool == NULL || n > sizeof(pool->b) / 4)
		return os_random(p, n);
	if (n > pool->left) {
		if (os_random(pool->b, sizeof(pool->b)) == -1)
			return -1;
		pool->left = sizeof(pool->b);
	}
	memcpy(p, pool->b + sizeof(pool->b) - pool->left, n);
	explicit_bzero(pool->b + sizeof(pool->b) - pool->left, n);
	pool->left -= n;
	return 0;
}

int
jo_ct_equal(const char *a, const char *b)
{
	size_t		 la, lb, i;
	unsigned char	 d;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	d = la != lb;
	for (i = 0; i < la; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i % (lb ? lb : 1)];
	return d == 0 && lb != 0;
}

int
jo_has_ctl(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

const char *
jo_word(const char **p, size_t *n)
{
	const char	*w = *p + strspn(*p, " ");

	if (*w == '\0')
		return NULL;
	*n = strcspn(w, " ");
	*p = w + *n;
	return w;
}

int
jo_utf8_valid(const unsigned char *s, size_t n)
{
	size_t		 i = 0, k, need;
	uint32_t	 cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (i + need >= n)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += need + 1;
	}
	return 1;
}

char *
jo_sha256_hex(const void *p, size_t n)
{
	unsigned char	 md[32];
	char		*hex;
	size_t		 i;

	static const char digits[] = "0123456789abcdef";

	hex = jo_xmalloc(65);
	jo_sha256(p, n, md);
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return hex;
}

time_t
jo_now(void)
{
	return time(NULL);
}

/* A request parameter: the CGI environment, or the FastCGI request's. */
const char *
jo_env_get(char **envp, const char *name)
{
	size_t	 n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}
