/* http.c -- see http.h
 *
 * libcurl is not linked: it is loaded with dlopen() the first time a
 * request is made.  Loading it and its ~30 dependent libraries costs more
 * than everything else a request does, and only the routes that really
 * talk to the provider (a cold cache, the code exchange) need it; the
 * header is used for its types and constants only. */
#include <dlfcn.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "dl.h"
#include "http.h"
#include "url.h"
#include "util.h"

#ifndef JO_LIBCURL
#define JO_LIBCURL "libcurl.so.4"
#endif

static struct {
	__typeof__(curl_global_init)	*global_init;
	__typeof__(curl_easy_init)	*easy_init;
	__typeof__(curl_easy_setopt)	*easy_setopt;
	__typeof__(curl_easy_perform)	*easy_perform;
	__typeof__(curl_easy_getinfo)	*easy_getinfo;
	__typeof__(curl_easy_cleanup)	*easy_cleanup;
	__typeof__(curl_easy_strerror)	*easy_strerror;
	__typeof__(curl_slist_append)	*slist_append;
	__typeof__(curl_slist_free_all)	*slist_free_all;
} cu;

/* process-wide: the library, once loaded and initialised (state.h) */
static void	*cu_lib;

static const struct jo_dl_sym cu_syms[] = {
	JO_DL_SYM(cu, global_init, curl_global_init),
	JO_DL_SYM(cu, easy_init, curl_easy_init),
	JO_DL_SYM(cu, easy_setopt, curl_easy_setopt),
	JO_DL_SYM(cu, easy_perform, curl_easy_perform),
	JO_DL_SYM(cu, easy_getinfo, curl_easy_getinfo),
	JO_DL_SYM(cu, easy_cleanup, curl_easy_cleanup),
	JO_DL_SYM(cu, easy_strerror, curl_easy_strerror),
	JO_DL_SYM(cu, slist_append, curl_slist_append),
	JO_DL_SYM(cu, slist_free_all, curl_slist_free_all),
};

static int
load_curl(char *why, size_t wl)
{
	if (cu_lib != NULL)
		return 0;
	/* OpenSSL reads its configuration file only when asked: an
	 * OPENSSL_CONF set by the web server is honoured; otherwise none is
	 * read, and the TLS floor Debian's file sets (TLS 1.2, security
	 * level 2) is set on each call below instead. */
	if (getenv("OPENSSL_CONF") == NULL)
		setenv("OPENSSL_CONF", "/dev/null", 0);
	if (jo_dl_open(&cu_lib, JO_LIBCURL, RTLD_LAZY | RTLD_LOCAL, cu_syms,
	    sizeof(cu_syms) / sizeof(cu_syms[0]), "libcurl", why, wl) == -1)
		return -1;
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		jo_why(why, wl, "curl_global_init failed");
		dlclose(cu_lib);
		cu_lib = NULL;
		return -1;
	}
	return 0;
}

/* The request's deadline for all its provider calls (0: none). */
static long long	 deadline_ms;
static long		 deadline_total;
static int		 deadline_calls;	/* made under it so far */

static long long
mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
jo_http_deadline(long seconds)
{
	deadline_total = seconds;
	deadline_calls = 0;
	deadline_ms = seconds > 0 ? mono_ms() + (long long)seconds * 1000 : 0;
}

struct sink {
	struct jo_buf		 b;
	struct jo_http_resp	*r;
	int			 over;
};

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct sink	*s = arg;

	if (n != 0 && sz > JO_HTTP_MAX / n)
		return 0;
	if (s->b.len + sz * n > JO_HTTP_MAX) {
		s->over = 1;
		return 0;
	}
	jo_buf_add(&s->b, p, sz * n);
	return sz * n;
}

/* Read Cache-Control: max-age=N, no-store, no-cache. */
static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 len = sz * n, i;
	char		*line, *v;
	long		 age;

	if (len < 14 || strncasecmp(p, "cache-control:", 14) != 0)
		return len;
	line = jo_xstrndup(p, len);
	for (i = 0; line[i] != '\0'; i++)
		line[i] = (char)tolower((unsigned char)line[i]);
	if (strstr(line, "no-store") != NULL ||
	    strstr(line, "no-cache") != NULL)
		s->r->no_store = 1;
	if ((v = strstr(line, "max-age=")) != NULL) {
		v += 8;
		age = 0;
		while (*v >= '0' && *v <= '9' && age < 100000000)
			age = age * 10 + (*v++ - '0');
		s->r->max_age = age;
	}
	free(line);
	return len;
}

/* Each call gets http_timeout, or what is left of the request's: its
 * milliseconds, 0 when nothing is left; *cut when a call before it
 * took some. */
static long long
budget(long timeout, int *cut)
{
	long long	 ms = (long long)timeout * 1000;

	*cut = 0;
	if (deadline_ms != 0 && deadline_ms - mono_ms() < ms) {
		ms = deadline_ms - mono_ms();
		*cut = deadline_calls > 0;
	}
	deadline_calls++;
	return ms > 0 ? ms : 0;
}

/* The URL as this server reaches it: under backchannel_url instead of
 * the issuer when one is set (the issuer itself is still what discovery
 * and the ID token must name). */
static char *
reach(const struct jo_config *c, const char *url)
{
	size_t	 n = strlen(c->issuer);

	if (n > 0 && c->issuer[n - 1] == '/')
		n--;
	if (c->backchannel_url == NULL || strncmp(url, c->issuer, n) != 0 ||
	    (url[n] != '\0' && url[n] != '/'))
		return jo_xstrdup(url);
	return jo_xasprintf("%s%s", c->backchannel_url, url + n);
}

/* The guard rails, and the network the configuration names: its CA
 * bundle, its proxy -- and never a proxy from the environment (a CGI's
 * HTTP_PROXY is a request header; libcurl reads https_proxy, ALL_PROXY
 * and NO_PROXY unless told otherwise). */
static void
set_options(CURL *h, const struct jo_config *c, const char *url,
    long long ms, struct sink *s, char *errbuf)
{
	cu.easy_setopt(h, CURLOPT_URL, url);
	cu.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	cu.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	cu.easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ms);
	cu.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)ms);
	cu.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)JO_HTTP_MAX);
	cu.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	cu.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	cu.easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	cu.easy_setopt(h, CURLOPT_SSL_CIPHER_LIST, "DEFAULT:@SECLEVEL=2");
	/* only ca_file's CAs: neither the bundle nor the directory
	 * (Debian's libcurl has both built in) */
	if (c->ca_file != NULL) {
		cu.easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
		cu.easy_setopt(h, CURLOPT_CAPATH, (char *)NULL);
	}
	cu.easy_setopt(h, CURLOPT_PROXY, c->proxy != NULL ? c->proxy : "");
	cu.easy_setopt(h, CURLOPT_NOPROXY, "");
	cu.easy_setopt(h, CURLOPT_USERAGENT, "jitsi-oidc/" JO_VERSION);
	cu.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	cu.easy_setopt(h, CURLOPT_WRITEDATA, s);
	cu.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	cu.easy_setopt(h, CURLOPT_HEADERDATA, s);
	cu.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

/* What a finished transfer means: 0 with the response, -1 with why. */
static int
outcome(CURL *h, CURLcode cc, const struct sink *s, const char *url,
    long long ms, long timeout, int cut, const char *errbuf, char *why,
    size_t wl)
{
	if (s->over || cc == CURLE_FILESIZE_EXCEEDED) {
		jo_why(why, wl, "response from %s larger than %d bytes", url,
		    JO_HTTP_MAX);
		return -1;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		jo_why(why, wl, "cannot reach %s: no answer in %lld ms "
		    "(http_timeout is %ld s for all of a request's calls to "
		    "the provider%s)", url, ms, timeout, cut ?
		    "; this call had what was left" : "");
		return -1;
	}
	if (cc != CURLE_OK) {
		jo_why(why, wl, "cannot reach %s: %s", url,
		    errbuf[0] ? errbuf : cu.easy_strerror(cc));
		return -1;
	}
	cu.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &s->r->status);
	return 0;
}

static int
perform(const struct jo_config *c, const char *to, const char *user,
    const char *pass, const char *body, const char *bearer,
    struct jo_http_resp *r, char *why, size_t wl)
{
	struct jo_buf		 auth = { 0 };
	CURL			*h;
	struct sink		 s = { { 0 }, r, 0 };
	struct curl_slist	*hd = NULL;
	char			 sub[256], errbuf[CURL_ERROR_SIZE] = "", *url;
	long long		 ms;
	int			 cut, rc = -1;

	memset(r, 0, sizeof(*r));
	r->max_age = -1;
	url = reach(c, to);
	if ((ms = budget(c->http_timeout, &cut)) == 0) {
		jo_why(why, wl, "not calling %s: this request's calls to the "
		    "provider have taken http_timeout (%ld s) in all", url,
		    deadline_total);
		goto end;
	}
	if (jo_url_ok(url, sub, sizeof(sub)) == -1) {
		jo_why(why, wl, "refusing to call %s: %s", url, sub);
		goto end;
	}
	if (load_curl(why, wl) == -1)
		goto end;
	if ((h = cu.easy_init()) == NULL) {
		jo_why(why, wl, "curl_easy_init failed");
		goto end;
	}
	hd = cu.slist_append(hd, "Accept: application/json");
	if (bearer != NULL) {
		jo_buf_addf(&auth, "Authorization: Bearer %s", bearer);
		hd = cu.slist_append(hd, auth.p);
	}
	set_options(h, c, url, ms, &s, errbuf);
	cu.easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	if (body != NULL)
		cu.easy_setopt(h, CURLOPT_POSTFIELDS, body);
	if (body != NULL && user != NULL) {
		cu.easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		cu.easy_setopt(h, CURLOPT_USERNAME, user);
		cu.easy_setopt(h, CURLOPT_PASSWORD, pass);
	}
	if ((rc = outcome(h, cu.easy_perform(h), &s, url, ms,
	    c->http_timeout, cut, errbuf, why, wl)) == 0) {
		r->len = s.b.len;
		r->body = jo_buf_take(&s.b);
	}
	cu.slist_free_all(hd);
	cu.easy_cleanup(h);
end:
	jo_buf_free(&s.b);
	if (auth.p != NULL)
		explicit_bzero(auth.p, auth.len);
	jo_buf_free(&auth);
	free(url);
	return rc;
}

int
jo_http_get(const struct jo_config *c, const char *url,
    struct jo_http_resp *r, char *why, size_t wl)
{
	return perform(c, url, NULL, NULL, NULL, NULL, r, why, wl);
}

int
jo_http_get_bearer(const struct jo_config *c, const char *url,
    const char *token, struct jo_http_resp *r, char *why, size_t wl)
{
	return perform(c, url, NULL, NULL, NULL, token, r, why, wl);
}

int
jo_http_post_form(const struct jo_config *c, const char *url,
    const char *user, const char *pass, const char *body,
    struct jo_http_resp *r, char *why, size_t wl)
{
	return perform(c, url, user, pass, body, NULL, r, why, wl);
}

void
jo_http_resp_free(struct jo_http_resp *r)
{
	free(r->body);
	r->body = NULL;
}
