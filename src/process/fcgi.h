/* fcgi.h -- the FastCGI responder mode: libfcgi's accept loop, loaded with
 * dlopen() only when the program is started by a FastCGI process manager
 * (its standard input a listening socket, or systemd's LISTEN_FDS), so a
 * CGI run never pays for it. */
#ifndef JO_FCGI_H
#define JO_FCGI_H

#include <signal.h>
#include <stddef.h>

/* The listening socket this process was given: 0 (standard input, as
 * spawn-fcgi, mod_fcgid, lighttpd's bin-path and systemd's
 * StandardInput=socket give it), 3 (systemd's LISTEN_FDS=1 for this
 * process), or -1 when this is not a FastCGI start. */
int	 jo_fcgi_listen_fd(void);
/* Load libfcgi and prepare one request structure on that socket. */
int	 jo_fcgi_open(int fd, char *, size_t);
/* Wait until a connection can be accepted, with the signal mask
 * unblocked while waiting (ppoll: a signal blocked until then and
 * pending interrupts the wait at once): 0 ready (or an error that
 * accept() will meet), 1 interrupted by a signal. */
int	 jo_fcgi_wait(const sigset_t *unblocked);
/* Accept the next request: 0 with its parameters in *envp, and the
 * response and log routed to its streams (jo_io_set); 1 the same, but
 * reading the request failed (its parameters may be cut short: it must
 * not be served); -1 when the loop must end (shutdown or error). */
int	 jo_fcgi_accept(char ***envp);
/* Flush and finish the request; responses and logs go back to stdio. */
void	 jo_fcgi_finish(void);
/* From a signal handler: stop accepting after the request in flight. */
void	 jo_fcgi_shutdown(void);

#endif
