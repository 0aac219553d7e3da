/* runner -- run a program N times as a web server would run a CGI (the
 * environment is inherited), and print what the children cost, from
 * wait4(2): CPU (user + system) per run in microseconds, the largest peak
 * RSS in KiB, and wall time per run in microseconds.
 *
 *   runner [-o file] N program [args...]
 * The children's standard output goes to /dev/null, or to file (the last
 * run's).  Exit status 1 if any run failed. */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct rusage	 ru;
	struct timespec	 t0, t1;
	const char	*out = "/dev/null";
	long		 n, i, maxrss = 0;
	double		 cpu = 0;
	int		 status, fd, bad = 0;
	pid_t		 pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: runner [-o file] N program [args...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd == -1 || dup2(fd, STDOUT_FILENO) == -1)
				_exit(126);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) == -1) {
			perror("wait4");
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
		cpu += ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f %ld %.1f\n", cpu / n, maxrss,
	    ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e3 / n);
	return bad;
}
