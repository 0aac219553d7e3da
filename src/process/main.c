/* main.c -- the entry point: the command line, and each request (a CGI
 * run, or a FastCGI responder's loop) read once, checked against the
 * route table in one place and dispatched to its route (routes.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgcache.h"
#include "cmd.h"
#include "config.h"
#include "cookie.h"
#include "crypto.h"
#include "fcgi.h"
#include "http.h"
#include "oidc.h"
#include "req.h"
#include "routes.h"
#include "state.h"
#include "util.h"

#define RT_HEAD		0x01	/* HEAD is answered (without cookies) */
#define RT_PROVIDER	0x02	/* may call the provider: one deadline */
#define RT_STATE	0x04	/* consumes the state cookie, even on 400 */

/* Every route, and what it needs: a HEAD is answered only where it has
 * no effect (a link prefetcher must not spend a code, take a token, or
 * log anyone out).  Every route is as good in FastCGI mode as in CGI:
 * none keeps anything of a request for the next. */
static const struct route {
	const char	*path;
	void		(*fn)(struct jo_req *);
	int		 flags;
} routes[] = {
	{ "/authorize", jo_route_authorize, RT_HEAD | RT_PROVIDER },
	{ "/redirect", jo_route_redirect, RT_PROVIDER | RT_STATE },
	{ "/tokenize", jo_route_tokenize, 0 },
	{ "/logout", jo_route_logout, RT_PROVIDER },
};

static volatile sig_atomic_t	 got_term, reset_asked;

/* The configuration of this request: read for a CGI run, kept by a
 * FastCGI process (cc).  -1 with the first problem logged. */
static int
configure(struct jo_req *r, char **envp, struct jo_cfgcache *cc)
{
	const struct jo_config	*cp;
	const char		*cwhy;
	char			 why[8192], *nl, *q;
	size_t			 more = 0;

	if (cc == NULL) {
		if (jo_config_load(jo_config_path(envp, 0), &r->cfg, why,
		    sizeof(why)) == 0)
			return 0;
	} else if ((cp = jo_cfgcache_get(cc, jo_config_path(envp, 1),
	    &cwhy)) != NULL) {
		r->cfg = *cp;	/* borrowed, not freed here */
		return 0;
	} else
		jo_why(why, sizeof(why), "%s", cwhy);
	/* one log line: the first problem, and how many follow */
	if ((nl = strchr(why, '\n')) != NULL)
		for (q = nl; q != NULL; q = strchr(q + 1, '\n'))
			more++;
	if (nl != NULL)
		*nl = '\0';
	jo_fail(r, JO_E_NOT_CONFIGURED, "configuration: %s%s", why, more ?
	    " (and more problems: jitsi-oidc --check-config lists them all)" :
	    "");
	return -1;
}

/* One request, CGI or FastCGI alike: envp holds its parameters; cc is
 * the FastCGI process's configuration cache, NULL for a CGI run. */
static void
serve(char **envp, struct jo_cfgcache *cc)
{
	struct jo_req		 r;
	const struct route	*rt = NULL;
	const char		*method, *path, *sn;
	char			 why[8192];
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.now = jo_now();
	method = jo_env_get(envp, "REQUEST_METHOD");
	path = jo_env_get(envp, "PATH_INFO");
	if (method == NULL)
		method = "";
	if (path == NULL || *path == '\0')
		path = "/";
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(path, routes[i].path) == 0)
			rt = &routes[i];
	jo_log_route(rt != NULL ? rt->path + 1 : "request");
	r.resp.head = strcmp(method, "HEAD") == 0;
	if (rt == NULL) {
		jo_fail(&r, JO_E_NOT_FOUND, "no such route (PATH_INFO of %zu "
		    "bytes)", strlen(path));
		return;
	}
	if (strcmp(method, "GET") != 0 && !(r.resp.head &&
	    (rt->flags & RT_HEAD))) {
		jo_resp_header(&r.resp, "Allow", rt->flags & RT_HEAD ?
		    "GET, HEAD" : "GET");
		jo_fail(&r, JO_E_METHOD, "method %.16s not allowed", method);
		return;
	}
	r.fetch_site = jo_env_get(envp, "HTTP_SEC_FETCH_SITE");
	r.referer = jo_env_get(envp, "HTTP_REFERER");
	r.fetch_dest = jo_env_get(envp, "HTTP_SEC_FETCH_DEST");
	if (configure(&r, envp, cc) == -1)
		return;
	if (!jo_script_name_ok((sn = jo_env_get(envp, "SCRIPT_NAME")),
	    r.cfg.cookie_path)) {
		jo_fail(&r, JO_E_MISPLACED, "configuration: public_url's "
		    "path is %.200s, but the web server runs the adapter at "
		    "%.200s (SCRIPT_NAME): make them the same",
		    r.cfg.cookie_path, sn);
		goto end;
	}
	/* http_timeout bounds all of this request's provider calls */
	if (rt->flags & RT_PROVIDER)
		jo_http_deadline(r.cfg.http_timeout);
	/* A HEAD sets no cookie, so it reads none either: answered as a
	 * first visit, it never redeems, rotates or revokes a token whose
	 * successor it could not hand back. */
	if (jo_query_parse(jo_env_get(envp, "QUERY_STRING"), &r.q, why,
	    sizeof(why)) == -1 ||
	    jo_cookie_parse(r.resp.head ? NULL : jo_env_get(envp,
	    "HTTP_COOKIE"), jo_ck_names, &r.ck, why, sizeof(why)) == -1) {
		if (rt->flags & RT_STATE)
			jo_ck_clear(&r, JO_CK_STATE);
		jo_fail(&r, JO_E_BAD_REQUEST, "%s", why);
		goto end;
	}
	jo_ck_delete_tossed(&r);
	rt->fn(&r);
end:
	jo_http_deadline(0);
	jo_params_free(&r.q);
	jo_params_free(&r.ck);
	if (cc == NULL)
		jo_config_free(&r.cfg);
	free(r.back);
}

/* The answer to a FastCGI request whose parameters may be incomplete. */
static void
cut_short(void)
{
	struct jo_resp	 resp;

	memset(&resp, 0, sizeof(resp));
	jo_log_route("request");
	jo_log("503: the request's parameters may be cut short (reading "
	    "them failed, or SIGTERM came while they arrived): not served");
	jo_resp_page(&resp, 503, "Try again", "The login service is "
	    "restarting. Please try again in a moment.", NULL, NULL);
}

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
	jo_fcgi_shutdown();
}

static void
on_hup(int sig)
{
	(void)sig;
	jo_cfgcache_hup();
}

static void
on_usr2(int sig)
{
	(void)sig;
	reset_asked = 1;
}

/* Wait for the next connection unless the loop must end: 0, or -1 to
 * end.  The stop signals are blocked from the look at got_term until
 * ppoll() unblocks them: one that comes in between interrupts the wait
 * instead of being spent before a blocking accept(), which would then
 * sleep through it until the next connection. */
static int
wait_request(const sigset_t *stops)
{
	sigset_t	 old;
	int		 rc;

	do {
		sigprocmask(SIG_BLOCK, stops, &old);
		rc = got_term ? -1 : jo_fcgi_wait(&old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	} while (rc == 1);	/* another signal (SIGHUP, SIGUSR2): again */
	return rc;
}

/* The FastCGI responder: requests in a loop until SIGTERM (the request
 * in flight is finished first) or max_requests. */
static int
fastcgi(int fd)
{
	struct jo_cfgcache	*cc;
	struct sigaction	 sa;
	sigset_t		 stops;
	char			**envp, why[512];
	long			 n = 0;
	int			 rc;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);	/* Apache's graceful stop */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGUSR1);
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr2;	/* forget what is kept (state.h) */
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	jo_log_route("fastcgi");
	if (jo_fcgi_open(fd, why, sizeof(why)) == -1) {
		jo_log("%s", why);
		return 1;
	}
	cc = jo_cfgcache_new();
	while (wait_request(&stops) == 0 &&
	    (rc = jo_fcgi_accept(&envp)) != -1) {
		/* a request whose input failed, or that arrived while
		 * SIGTERM did, may have lost parameters: not served */
		if (reset_asked) {	/* as if just started */
			reset_asked = 0;
			jo_state_reset();
			jo_cfgcache_free(cc);
			cc = jo_cfgcache_new();
		}
		if (rc == 1 || got_term)
			cut_short();
		else
			serve(envp, cc);
		jo_fcgi_finish();
		/* max_requests of any configuration this process uses */
		if (jo_cfgcache_done(cc, ++n))
			got_term = 1;
	}
	jo_cfgcache_free(cc);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: jitsi-oidc [--check-config | --asap-key-name | "
	    "--version | --help]\n"
	    "Run by a web server as a CGI program; the configuration file is "
	    "$JITSI_OIDC_CONFIG\n(default %s).\n", JO_DEFAULT_CONFIG);
}

int
main(int argc, char *argv[])
{
	int	 fd;

	if (argc > 1 && getenv("GATEWAY_INTERFACE") == NULL) {
		if (strcmp(argv[1], "--version") == 0) {
			printf("jitsi-oidc %s\n", JO_VERSION);
			return 0;
		}
		if (strcmp(argv[1], "--check-config") == 0)
			return jo_cmd_check_config();
		if (strcmp(argv[1], "--asap-key-name") == 0)
			return jo_cmd_asap_key_name();
		usage(strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	if (getenv("GATEWAY_INTERFACE") == NULL &&
	    (fd = jo_fcgi_listen_fd()) != -1)
		return fastcgi(fd);
	serve(environ, NULL);
	return 0;
}
