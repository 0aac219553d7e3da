/*
 * slowaccept.so -- an LD_PRELOAD shim for one FastCGI test: accept()
 * waits 300 ms before the real call.  That widens the moment between
 * the responder's last look at its stop flag and a blocking accept() to
 * where a test can send SIGTERM into it (the sleep is cut short by the
 * signal, as the real moment would be).  A responder that checks the
 * flag and then blocks in accept() sleeps through that SIGTERM until the
 * next connection; one that waits with the signal unblocked atomically
 * (ppoll) does not.  Built by `make tools`; used by tests/fastcgi.test.mjs.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include <dlfcn.h>
#include <time.h>

int	accept(int, struct sockaddr *, socklen_t *);

int
accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	static int		(*real)(int, struct sockaddr *, socklen_t *);
	struct timespec		 ts = { 0, 300 * 1000 * 1000 };

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "accept");
	(void)nanosleep(&ts, NULL);
	return real(fd, sa, len);
}
