/* util.h -- small helpers shared by every module: growable buffers,
 * logging, encodings (base64url, percent, HTML), random bytes, and
 * constant-time comparison. */
#ifndef JO_UTIL_H
#define JO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A growable, always NUL-terminated byte buffer. */
struct jo_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

void	 jo_buf_free(struct jo_buf *);
void	 jo_buf_add(struct jo_buf *, const void *, size_t);
void	 jo_buf_adds(struct jo_buf *, const char *);
void	 jo_buf_addf(struct jo_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
char	*jo_buf_take(struct jo_buf *);

void	*jo_xmalloc(size_t);
void	*jo_xrealloc(void *, size_t);
char	*jo_xstrdup(const char *);
char	*jo_xstrndup(const char *, size_t);
/* Wipe a string (a secret) and free it; NULL is fine. */
void	 jo_wipe_free(char *);
char	*jo_xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

/* Where the response (err 0) and log lines (err 1) are written. */
struct jo_io {
	void	(*write)(void *, int err, const char *, size_t);
	void	*arg;
};
/* NULL: standard output and standard error (the CGI's). */
void	 jo_io_set(const struct jo_io *);
void	 jo_io_write(int err, const char *, size_t);

/* One line on stderr (the web server's error log), prefixed with the
 * program name and the route; CR, LF, tabs and other unprintable bytes
 * are escaped so that a line can never be split or forged. */
void	 jo_log_route(const char *);
void	 jo_log(const char *, ...) __attribute__((format(printf, 1, 2)));
#define JO_LOG_MAX	500	/* bytes of a log line, its newline included */

/* Write a message into a caller's "why" buffer (for log lines). */
size_t	 jo_rtrim_len(const char *);
void	 jo_why(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* base64url without padding.  Decoding is strict: only the url-safe
 * alphabet, no padding, no whitespace; returns -1 otherwise. */
char	*jo_b64url_encode(const unsigned char *, size_t);
int	 jo_b64url_decode(const char *, size_t, unsigned char **, size_t *);

/* Percent-decoding of a query component ('+' is a space when plus is
 * set).  Returns -1 on a malformed escape. */
int	 jo_pct_decode(const char *, size_t, int plus, char **, size_t *);
/* encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is
 * escaped; hex digits upper or lower case as asked. */
void	 jo_pct_encode(struct jo_buf *, const char *, size_t, int lower);
/* Encoding for application/x-www-form-urlencoded and query values
 * (RFC 3986 unreserved only). */
void	 jo_form_encode(struct jo_buf *, const char *);
void	 jo_html_escape(struct jo_buf *, const char *);

int	 jo_random(void *, size_t);
int	 jo_ct_equal(const char *, const char *);
int	 jo_has_ctl(const char *, size_t);
/* The next blank-separated word at *p, its length in *n, and *p moved
 * past it; NULL when only blanks are left. */
const char *jo_word(const char **p, size_t *n);
int	 jo_utf8_valid(const unsigned char *, size_t);
char	*jo_sha256_hex(const void *, size_t);

time_t	 jo_now(void);
/* NAME=value in an environment (the CGI's, or a FastCGI request's
 * parameters): the value, or NULL. */
const char *jo_env_get(char **, const char *);

#endif
