/* url.c -- see url.h */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"
#include "util.h"

/* Split "scheme://host[:port][/path]"; returns the host span. */
static int
url_split(const char *url, int *https, const char **host, size_t *hostlen,
    const char **rest)
{
	const char	*p, *h;

	if (strncmp(url, "https://", 8) == 0) {
		*https = 1;
		h = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		*https = 0;
		h = url + 7;
	} else
		return -1;
	if (*h == '[') {
		if ((p = strchr(h, ']')) == NULL)
			return -1;
		*host = h;
		*hostlen = (size_t)(p - h) + 1;
		p++;
	} else {
		p = h + strcspn(h, ":/?#");
		*host = h;
		*hostlen = (size_t)(p - h);
	}
	if (*hostlen == 0)
		return -1;
	if (*p == ':') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		return -1;
	*rest = p;
	return 0;
}

static int
host_is_loopback(const char *h, size_t n)
{
	size_t	 i, dots = 0;

	if ((n == 9 && strncmp(h, "localhost", 9) == 0) ||
	    (n == 5 && strncmp(h, "[::1]", 5) == 0))
		return 1;
	if (n < 9 || strncmp(h, "127.", 4) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (h[i] == '.')
			dots++;
		else if (h[i] < '0' || h[i] > '9')
			return 0;
	}
	return dots == 3;
}

int
jo_url_ok(const char *url, char *why, size_t whylen)
{
	const char	*host, *rest;
	size_t		 hostlen, i;
	int		 https;

	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f ||
		    url[i] == '\\' || url[i] == '"' || url[i] == '<' ||
		    url[i] == '>') {
			jo_why(why, whylen, "URL contains a space, control "
			    "or unsafe character");
			return -1;
		}
	/* user information (user:password@) is refused before anything
	 * echoes the URL: the password would reach the log */
	host = strstr(url, "://");
	host = host != NULL ? host + 3 : url;
	if (memchr(host, '@', strcspn(host, "/?#")) != NULL) {
		jo_why(why, whylen, "URL with user information (user:password@; "
		    "not shown, it may hold a password)");
		return -1;
	}
	if (url_split(url, &https, &host, &hostlen, &rest) == -1) {
		jo_why(why, whylen, "not an absolute http(s) URL: \"%s\"", url);
		return -1;
	}
	if (!https && !host_is_loopback(host, hostlen)) {
		jo_why(why, whylen, "URL must use https:// (http:// is "
		    "allowed only for a loopback host): \"%s\"", url);
		return -1;
	}
	return 0;
}

char *
jo_url_host(const char *url)
{
	const char	*host, *rest;
	size_t		 hostlen;
	int		 https;

	if (url_split(url, &https, &host, &hostlen, &rest) == -1)
		return NULL;
	return jo_xstrndup(host, hostlen);
}

int
jo_same_origin(const char *a, const char *b)
{
	const char	*ha, *hb, *ra, *rb;
	size_t		 la, lb;
	int		 sa, sb;

	if (a == NULL || b == NULL || url_split(a, &sa, &ha, &la, &ra) == -1 ||
	    url_split(b, &sb, &hb, &lb, &rb) == -1)
		return 0;
	/* scheme, host and port: the spans before the path */
	return sa == sb && ra - a == rb - b &&
	    strncasecmp(a, b, (size_t)(ra - a)) == 0;
}

char *
jo_url_origin(const char *url)
{
	const char	*host, *rest, *port;
	size_t		 hostlen, i;
	int		 https;
	char		*o;

	if (url_split(url, &https, &host, &hostlen, &rest) == -1)
		return NULL;
	port = host + hostlen;
	if ((https && strncmp(port, ":443", (size_t)(rest - port)) == 0 &&
	    rest - port == 4) || (!https && rest - port == 3 &&
	    strncmp(port, ":80", 3) == 0))
		port = rest;
	o = jo_xasprintf("%s://%.*s%.*s", https ? "https" : "http",
	    (int)hostlen, host, (int)(rest - port), port);
	for (i = 0; o[i] != '\0'; i++)
		if (o[i] >= 'A' && o[i] <= 'Z')
			o[i] = (char)(o[i] - 'A' + 'a');
	return o;
}

char *
jo_url_path(const char *url)
{
	const char	*host, *rest;
	size_t		 hostlen;
	int		 https;

	if (url_split(url, &https, &host, &hostlen, &rest) == -1)
		return NULL;
	if (*rest != '/')
		return jo_xstrdup("/");
	return jo_xstrndup(rest, strcspn(rest, "?#"));
}
