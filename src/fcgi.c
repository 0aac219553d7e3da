/* fcgi.c -- see fcgi.h */
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "fcgi.h"
#include "util.h"

#ifndef JO_LIBFCGI
#define JO_LIBFCGI "libfcgi.so.0"
#endif

static struct {
	void	*lib;
	int	(*init)(void);
	int	(*init_request)(FCGX_Request *, int, int);
	int	(*accept)(FCGX_Request *);
	void	(*finish)(FCGX_Request *);
	int	(*put_str)(const char *, int, FCGX_Stream *);
	int	(*fflush)(FCGX_Stream *);
	int	(*get_error)(FCGX_Stream *);
	void	(*shutdown_pending)(void);
} fc;

static FCGX_Request	 rq;
static struct jo_io	 rq_io;

int
jo_fcgi_listen_fd(void)
{
	struct sockaddr_storage	 sa;
	socklen_t		 len = sizeof(sa);
	const char		*fds, *pid;
	int			 type;

	/* systemd socket activation, Accept=no: the socket is fd 3 */
	if ((fds = getenv("LISTEN_FDS")) != NULL && strcmp(fds, "1") == 0 &&
	    (pid = getenv("LISTEN_PID")) != NULL &&
	    strtol(pid, NULL, 10) == (long)getpid())
		return 3;
	/* a listening socket as standard input: it has no peer */
	len = sizeof(type);
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return -1;
	len = sizeof(sa);
	if (getpeername(0, (struct sockaddr *)&sa, &len) == -1 &&
	    errno == ENOTCONN)
		return 0;
	return -1;
}

static void
rq_write(void *arg, int err, const char *p, size_t len)
{
	FCGX_Request	*r = arg;

	while (len > 0) {
		int n = len > 65536 ? 65536 : (int)len;

		if (fc.put_str(p, n, err ? r->err : r->out) != n)
			return;
		p += n;
		len -= (size_t)n;
	}
	/* a log line (JO_LOG_MAX bytes at most) leaves as one stderr
	 * record of its own, never joined to the next line or cut across
	 * two records: the web server logs each record as an entry */
	if (err)
		(void)fc.fflush(r->err);
}

int
jo_fcgi_open(int fd, char *why, size_t wl)
{
	const char	*e;

	if ((fc.lib = dlopen(JO_LIBFCGI, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		jo_why(why, wl, "cannot load %s: %s", JO_LIBFCGI,
		    e ? e : "unknown error");
		return -1;
	}
	if ((*(void **)&fc.init = dlsym(fc.lib, "FCGX_Init")) == NULL ||
	    (*(void **)&fc.init_request = dlsym(fc.lib,
	    "FCGX_InitRequest")) == NULL ||
	    (*(void **)&fc.accept = dlsym(fc.lib, "FCGX_Accept_r")) == NULL ||
	    (*(void **)&fc.finish = dlsym(fc.lib, "FCGX_Finish_r")) == NULL ||
	    (*(void **)&fc.put_str = dlsym(fc.lib, "FCGX_PutStr")) == NULL ||
	    (*(void **)&fc.fflush = dlsym(fc.lib, "FCGX_FFlush")) == NULL ||
	    (*(void **)&fc.get_error = dlsym(fc.lib, "FCGX_GetError")) ==
	    NULL ||
	    (*(void **)&fc.shutdown_pending = dlsym(fc.lib,
	    "FCGX_ShutdownPending")) == NULL) {
		jo_why(why, wl, "%s lacks a FastCGI function", JO_LIBFCGI);
		return -1;
	}
	if (fc.init() != 0 || fc.init_request(&rq, fd, 0) != 0) {
		jo_why(why, wl, "libfcgi could not be initialised");
		return -1;
	}
	rq_io.write = rq_write;
	rq_io.arg = &rq;
	return 0;
}

int
jo_fcgi_accept(char ***envp)
{
	if (fc.accept(&rq) < 0)
		return -1;
	*envp = rq.envp;
	jo_io_set(&rq_io);
	/* libfcgi takes a failed read (EINTR from a signal, a shutdown)
	 * for the end of the parameters and accepts what it has */
	return fc.get_error(rq.in) != 0 ? 1 : 0;
}

void
jo_fcgi_finish(void)
{
	jo_io_set(NULL);
	fc.finish(&rq);
}

void
jo_fcgi_shutdown(void)
{
	if (fc.shutdown_pending != NULL)
		fc.shutdown_pending();
}
