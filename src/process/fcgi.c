/* fcgi.c -- see fcgi.h */
#include <sys/socket.h>

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "dl.h"
#include "fcgi.h"
#include "util.h"

#ifndef JO_LIBFCGI
#define JO_LIBFCGI "libfcgi.so.0"
#endif

static struct {
	__typeof__(FCGX_Init)		*init;
	__typeof__(FCGX_InitRequest)	*init_request;
	__typeof__(FCGX_Accept_r)	*accept;
	__typeof__(FCGX_Finish_r)	*finish;
	__typeof__(FCGX_PutStr)		*put_str;
	__typeof__(FCGX_FFlush)		*fflush;
	__typeof__(FCGX_GetError)	*get_error;
	__typeof__(FCGX_ShutdownPending) *shutdown_pending;
} fc;

static const struct jo_dl_sym fc_syms[] = {
	JO_DL_SYM(fc, init, FCGX_Init),
	JO_DL_SYM(fc, init_request, FCGX_InitRequest),
	JO_DL_SYM(fc, accept, FCGX_Accept_r),
	JO_DL_SYM(fc, finish, FCGX_Finish_r),
	JO_DL_SYM(fc, put_str, FCGX_PutStr),
	JO_DL_SYM(fc, fflush, FCGX_FFlush),
	JO_DL_SYM(fc, get_error, FCGX_GetError),
	JO_DL_SYM(fc, shutdown_pending, FCGX_ShutdownPending),
};

/* process-wide (state.h): the library, the one request structure and
 * the stream switch that sends responses and log lines into it */
static void		*fc_lib;

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
	if (jo_dl_open(&fc_lib, JO_LIBFCGI, RTLD_NOW | RTLD_LOCAL, fc_syms,
	    sizeof(fc_syms) / sizeof(fc_syms[0]), "FastCGI", why, wl) == -1)
		return -1;
	if (fc.init() != 0 || fc.init_request(&rq, fd, 0) != 0) {
		jo_why(why, wl, "libfcgi could not be initialised");
		return -1;
	}
	rq_io.write = rq_write;
	rq_io.arg = &rq;
	return 0;
}

int
jo_fcgi_wait(const sigset_t *unblocked)
{
	struct pollfd	 p = { .fd = rq.listen_sock, .events = POLLIN };

	/* another error: left to accept() to meet */
	return ppoll(&p, 1, NULL, unblocked) == -1 && errno == EINTR ? 1 : 0;
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
