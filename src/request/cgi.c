/* cgi.c -- see cgi.h */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "crypto.h"

const char *
jo_param_get(const struct jo_params *p, const char *key)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].val;
	return NULL;
}

size_t
jo_param_count(const struct jo_params *p, const char *key)
{
	size_t	 i, n = 0;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			n++;
	return n;
}

const char *
jo_param_nth(const struct jo_params *p, const char *key, size_t nth)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0 && nth-- == 0)
			return p->v[i].val;
	return NULL;
}

void
jo_params_free(struct jo_params *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].key);
		if (p->v[i].val != NULL)
			explicit_bzero(p->v[i].val, p->v[i].vlen);
		free(p->v[i].val);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static void
params_add(struct jo_params *p, char *k, char *v, size_t vlen)
{
	p->v = jo_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n].key = k;
	p->v[p->n].val = v;
	p->v[p->n].vlen = vlen;
	p->n++;
}

/* Jitsi's tokenAuthUrl {room} and the nginx room rule insert the room
 * and the tenant as they stand in the address bar, where '+' is a plus:
 * for these two parameters '+' is not decoded as a space (a space
 * arrives as %20). */
static int
literal_plus(const char *k)
{
	return strcmp(k, "room") == 0 || strcmp(k, "tenant") == 0;
}

int
jo_query_parse(const char *qs, struct jo_params *p, char *why, size_t wl)
{
	const char	*s, *amp, *eq;
	char		*k = NULL, *v = NULL;
	size_t		 n, klen, vlen;

	p->v = NULL;
	p->n = 0;
	if (qs == NULL)
		return 0;
	if ((n = strlen(qs)) > JO_QUERY_MAX) {
		jo_why(why, wl, "query string of %zu bytes (at most %d)", n,
		    JO_QUERY_MAX);
		return -1;
	}
	for (s = qs; *s != '\0'; s = *amp ? amp + 1 : amp) {
		amp = s + strcspn(s, "&");
		if (amp == s)
			continue;
		eq = memchr(s, '=', (size_t)(amp - s));
		if (eq == NULL)
			eq = amp;
		if (jo_pct_decode(s, (size_t)(eq - s), 1, &k, &klen) == -1 ||
		    jo_pct_decode(eq < amp ? eq + 1 : amp,
		    eq < amp ? (size_t)(amp - eq - 1) : 0, !literal_plus(k),
		    &v, &vlen) == -1) {
			jo_why(why, wl, "malformed percent-encoding in the "
			    "query string");
			goto err;
		}
		if (jo_has_ctl(k, klen) || jo_has_ctl(v, vlen) ||
		    strlen(k) != klen || strlen(v) != vlen) {
			jo_why(why, wl, "control character in query "
			    "parameter \"%.32s\"", k);
			goto err;
		}
		if (jo_param_get(p, k) != NULL) {
			jo_why(why, wl, "query parameter \"%.32s\" repeated",
			    k);
			goto err;
		}
		if (p->n >= JO_PARAMS_MAX) {
			jo_why(why, wl, "more than %d query parameters",
			    JO_PARAMS_MAX);
			goto err;
		}
		params_add(p, k, v, vlen);
		k = v = NULL;
	}
	return 0;
err:
	free(k);
	free(v);
	jo_params_free(p);
	return -1;
}

int
jo_cookie_parse(const char *hdr, const char *const *names,
    struct jo_params *p, char *why, size_t wl)
{
	const char	*s, *semi, *eq, *ks, *ke, *vs, *ve;
	size_t		 i, kept = 0;

	(void)why;
	(void)wl;
	p->v = NULL;
	p->n = 0;
	if (hdr == NULL)
		return 0;
	/* Other sites' cookies are skipped, never stored, whatever their
	 * size: a sibling host that sets kilobytes of them at our path
	 * (HTTP/2 joins them into one header) must not stop the login.
	 * Of ours, JO_COOKIE_MAX bytes in all are kept. */
	for (s = hdr; *s != '\0'; s = *semi ? semi + 1 : semi) {
		semi = s + strcspn(s, ";");
		eq = memchr(s, '=', (size_t)(semi - s));
		if (eq == NULL)
			continue;
		ks = s;
		ke = eq;
		while (ks < ke && (*ks == ' ' || *ks == '\t'))
			ks++;
		while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		vs = eq + 1;
		ve = semi;
		while (vs < ve && (*vs == ' ' || *vs == '\t'))
			vs++;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		for (i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == (size_t)(ke - ks) &&
			    memcmp(names[i], ks, (size_t)(ke - ks)) == 0)
				break;
		if (names[i] == NULL)
			continue;
		/* A copy may have been planted by a sibling host (cookie
		 * tossing): every copy is kept, for the caller to choose
		 * or to ignore them all.  One too long or holding a control
		 * (a TAB, which RFC 6265bis lets a browser store), or past
		 * JO_COOKIE_MAX, is kept without its value: ignored, and
		 * deleted like a planted one. */
		if (ve - vs > 4096 || jo_has_ctl(vs, (size_t)(ve - vs)) ||
		    kept + (size_t)(ve - vs) > JO_COOKIE_MAX) {
			params_add(p, jo_xstrdup(names[i]), NULL, 0);
			continue;
		}
		kept += (size_t)(ve - vs);
		params_add(p, jo_xstrdup(names[i]),
		    jo_xstrndup(vs, (size_t)(ve - vs)), (size_t)(ve - vs));
	}
	return 0;
}

/* A header value may never carry CR, LF, NUL or other controls. */
static int
header_safe(const char *s)
{
	return !jo_has_ctl(s, strlen(s));
}

void
jo_resp_header(struct jo_resp *r, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value)) {
		r->bad = 1;
		return;
	}
	/* plain appends: printf's %s costs a call a byte */
	jo_buf_adds(&r->hdrs, name);
	jo_buf_adds(&r->hdrs, ": ");
	jo_buf_adds(&r->hdrs, value);
	jo_buf_adds(&r->hdrs, "\r\n");
}

/* Drop an earlier Set-Cookie of this answer for the same cookie (name,
 * path, domain): one per cookie, the last one set wins -- a route may
 * delete a cookie first and set it again once it knows more. */
static void
drop_cookie(struct jo_buf *h, const char *name, const char *path,
    const char *domain)
{
	char	*pre, *at, *dm;
	char	*s, *e;
	size_t	 n;

	if (h->p == NULL)
		return;
	pre = jo_xasprintf("Set-Cookie: %s=", name);
	at = jo_xasprintf("; Path=%s;", path);
	dm = domain != NULL ? jo_xasprintf("; Domain=%s;", domain) : NULL;
	for (s = h->p; s < h->p + h->len; ) {
		e = memchr(s, '\n', (size_t)(h->p + h->len - s));
		e = e != NULL ? e + 1 : h->p + h->len;
		n = (size_t)(e - s);
		if (n > strlen(pre) && strncmp(s, pre, strlen(pre)) == 0 &&
		    memmem(s, n, at, strlen(at)) != NULL &&
		    (dm != NULL ? memmem(s, n, dm, strlen(dm)) != NULL :
		    memmem(s, n, "; Domain=", 9) == NULL)) {
			/* the tail and its NUL */
			memmove(s, e, (size_t)(h->p + h->len - e) + 1);
			h->len -= n;
			continue;
		}
		s = e;
	}
	free(pre);
	free(at);
	free(dm);
}

/* One Set-Cookie line: value NULL deletes; domain NULL is host-only.
 * A path, domain or value that could end the attribute list refuses
 * the whole response. */
static void
set_cookie(struct jo_resp *r, const char *name, const char *value,
    long maxage, const char *path, const char *domain, int secure)
{
	struct jo_buf	 b = { 0 };

	if (r->head)	/* a HEAD changes nothing */
		return;
	drop_cookie(&r->hdrs, name, path, domain);
	jo_buf_adds(&b, name);
	jo_buf_adds(&b, "=");
	if (value == NULL)
		jo_buf_adds(&b, "; Max-Age=0");
	else {
		jo_buf_adds(&b, value);
		jo_buf_addf(&b, "; Max-Age=%ld", maxage);
	}
	jo_buf_adds(&b, "; Path=");
	jo_buf_adds(&b, path);
	if (domain != NULL) {
		jo_buf_adds(&b, "; Domain=");
		jo_buf_adds(&b, domain);
	}
	jo_buf_adds(&b, secure ? "; HttpOnly; SameSite=Lax; Secure" :
	    "; HttpOnly; SameSite=Lax");
	if (strpbrk(path, ";,") != NULL ||
	    (domain != NULL && strpbrk(domain, ";, ") != NULL) ||
	    (value != NULL && strpbrk(value, ";, \"\\") != NULL))
		r->bad = 1;
	else
		jo_resp_header(r, "Set-Cookie", b.p);
	jo_buf_free(&b);
}

void
jo_resp_cookie(struct jo_resp *r, const char *name, const char *value,
    long maxage, const char *path, int secure)
{
	set_cookie(r, name, value, maxage, path, NULL, secure);
}

void
jo_resp_cookie_delete(struct jo_resp *r, const char *name, const char *path,
    const char *domain, int secure)
{
	set_cookie(r, name, NULL, 0, path, domain, secure);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 302:
		return "Found";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 502:
		return "Bad Gateway";
	default:
		return "Internal Server Error";
	}
}

static void
emit(struct jo_resp *r, struct jo_buf *out)
{
	assert(!r->sent);
	r->sent = 1;
	jo_io_write(0, out->p, out->len);
}

static const char fallback[] =
    "Status: 500 Internal Server Error\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n\r\n"
    "Internal error.\n";

void
jo_resp_redirect(struct jo_resp *r, const char *url)
{
	struct jo_buf	 out = { 0 };

	if (r->bad || !header_safe(url)) {
		jo_log("refused to write an unsafe header");
		jo_buf_adds(&out, fallback);
	} else {
		jo_buf_adds(&out, "Status: 302 Found\r\nLocation: ");
		jo_buf_adds(&out, url);
		jo_buf_adds(&out, "\r\nCache-Control: no-store\r\n");
		if (r->hdrs.p != NULL)
			jo_buf_add(&out, r->hdrs.p, r->hdrs.len);
		jo_buf_adds(&out, "Content-Type: text/plain; "
		    "charset=utf-8\r\n\r\n");
		if (!r->head)
			jo_buf_adds(&out, "Redirecting.\n");
	}
	emit(r, &out);
	jo_buf_free(&out);
	jo_resp_free(r);
}

/* A page's start, up to its title; then, after what the head holds, its
 * heading and text (both pages, jo_resp_page and jo_resp_post). */
static void
page_start(struct jo_buf *out, const char *title)
{
	jo_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>");
	jo_html_escape(out, title);
	jo_buf_adds(out, "</title>");
}

static void
page_text(struct jo_buf *out, const char *title, const char *text)
{
	jo_buf_adds(out, "</head>\n<body><h1>");
	jo_html_escape(out, title);
	jo_buf_adds(out, "</h1>\n<p>");
	jo_html_escape(out, text);
	jo_buf_adds(out, "</p>\n");
}

/* A paragraph holding one link, when there is one. */
static void
link_p(struct jo_buf *out, const char *href, const char *text)
{
	if (href == NULL)
		return;
	jo_buf_adds(out, "<p><a href=\"");
	jo_html_escape(out, href);
	jo_buf_adds(out, "\">");
	jo_html_escape(out, text);
	jo_buf_adds(out, "</a></p>\n");
}

void
jo_resp_page(struct jo_resp *r, int status, const char *title,
    const char *text, const char *link, const char *linktext)
{
	struct jo_buf	 out = { 0 };

	if (r->bad) {
		jo_log("refused to write an unsafe header");
		jo_buf_adds(&out, fallback);
		goto send;
	}
	jo_buf_addf(&out, "Status: %d %s\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Content-Security-Policy: default-src 'none'; "
	    "style-src 'unsafe-inline'; frame-ancestors 'none'\r\n"
	    "X-Frame-Options: DENY\r\n%s\r\n",
	    status, reason(status), r->hdrs.p ? r->hdrs.p : "");
	if (r->head)
		goto send;
	page_start(&out, title);
	if (r->refresh != NULL) {
		jo_buf_adds(&out, "<meta http-equiv=\"refresh\" content=\"");
		jo_buf_addf(&out, "%d;url=", r->refresh_after);
		jo_html_escape(&out, r->refresh);
		jo_buf_adds(&out, "\">");
	}
	/* the page's first link is its button */
	jo_buf_adds(&out, "<style>body{font-family:sans-serif;"
	    "max-width:36em;margin:4em auto;padding:0 1em}"
	    "h1+p+p a{display:inline-block;padding:.6em 1.4em;"
	    "border-radius:.4em;background:#1a5fb4;color:#fff;"
	    "text-decoration:none}</style>");
	page_text(&out, title, text);
	link_p(&out, link, linktext);
	link_p(&out, r->alt, r->alttext);
	jo_buf_addf(&out, "<p><small>HTTP %d</small></p></body></html>\n",
	    status);
send:
	emit(r, &out);
	jo_buf_free(&out);
	jo_resp_free(r);
}

/* The one script of jo_resp_post's page: constant, so that the
 * Content-Security-Policy can name it by its hash; what it posts comes
 * from the data attributes of #jo (HTML-escaped there, never code).
 * Beyond postMessage's own target origin: nothing is posted, and the
 * popup stays open, unless the window is of that origin (reading the
 * location of a window of another origin throws), so that a page of
 * another origin that opened the popup learns nothing from it.
 * A popup posts its token only when its opener is also the top window's
 * origin: a Jitsi framed by another site (the IFrame API) gets an
 * oauth-error saying to log in in a tab of its own, since the site
 * around it would drive a meeting logged in as this user.  The popup
 * never closes itself: Jitsi's client closes it when the message
 * arrives, and a popup that closed first would read as "Login
 * cancelled" to a client that saw it closed before the message. */
static const char post_js[] =
    "(function(){var d=document.getElementById('jo').dataset,"
    "m={type:d.type},p=d.to==='parent',w=p?window.parent:window.opener,"
    "o=null,t=null;if(d.key)m[d.key]=d.val;"
    "try{if(w&&w!==window){o=w.location.origin;"
    "t=p?o:w.top.location.origin;}}catch(e){}"
    "if(o!==d.origin)return;"
    "if(t!==d.origin){m={type:'oauth-error',error:d.framed};"
    "document.querySelector('h1+p').innerText=d.framed;}"
    "w.postMessage(m,d.origin);})();";

/* What a popup opened by a framed Jitsi says instead (post_js). */
static const char framed_text[] = "This meeting is shown inside another "
    "site, which could act in it as you: log in by opening the meeting "
    "in a browser tab of its own.";

/* 'sha256-<base64>' of post_js, for script-src. */
static void
post_js_hash(struct jo_buf *b)
{
	unsigned char	 md[32];
	char		*s;
	size_t		 i;

	jo_sha256(post_js, sizeof(post_js) - 1, md);
	s = jo_b64url_encode(md, sizeof(md));
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == '-')
			s[i] = '+';
		else if (s[i] == '_')
			s[i] = '/';
	jo_buf_addf(b, "'sha256-%s='", s);	/* 32 bytes: one '=' */
	free(s);
}

static void
data_attr(struct jo_buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	jo_buf_addf(b, " data-%s=\"", name);
	jo_html_escape(b, v);
	jo_buf_adds(b, "\"");
}

void
jo_resp_post(struct jo_resp *r, int status, const char *title,
    const char *text, const struct jo_post *m)
{
	struct jo_buf	 out = { 0 };

	/* the origin goes into a header: a ';' or ',' would add a
	 * directive or a source */
	if (r->bad || m->origin == NULL ||
	    strpbrk(m->origin, ";, '\"*") != NULL ||
	    !header_safe(m->origin)) {
		jo_log("refused to write an unsafe header");
		jo_buf_adds(&out, fallback);
		goto send;
	}
	jo_buf_addf(&out, "Status: %d %s\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "Content-Security-Policy: default-src 'none'; script-src ",
	    status, reason(status));
	post_js_hash(&out);
	jo_buf_adds(&out, "; style-src 'unsafe-inline'; base-uri 'none'; "
	    "form-action 'none'; frame-ancestors ");
	jo_buf_adds(&out, m->parent ? m->origin : "'none'");
	jo_buf_adds(&out, m->parent ? "\r\n" : "\r\nX-Frame-Options: DENY\r\n");
	if (r->hdrs.p != NULL)
		jo_buf_add(&out, r->hdrs.p, r->hdrs.len);
	jo_buf_adds(&out, "\r\n");
	if (r->head)
		goto send;
	page_start(&out, title);
	jo_buf_adds(&out, "<style>body{font-family:sans-serif;"
	    "max-width:36em;margin:4em auto;padding:0 1em}</style>");
	page_text(&out, title, text);
	jo_buf_adds(&out, "<p id=\"jo\" hidden");
	data_attr(&out, "to", m->parent ? "parent" : "opener");
	data_attr(&out, "origin", m->origin);
	data_attr(&out, "type", m->type);
	data_attr(&out, "key", m->key);
	data_attr(&out, "val", m->val);
	if (!m->parent)
		data_attr(&out, "framed", framed_text);
	jo_buf_addf(&out, "></p>\n<script>%s</script>\n"
	    "<p><small>HTTP %d</small></p></body></html>\n", post_js, status);
send:
	emit(r, &out);
	jo_buf_free(&out);
	jo_resp_free(r);
}

void
jo_resp_free(struct jo_resp *r)
{
	jo_buf_free(&r->hdrs);
}
