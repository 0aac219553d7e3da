/* The floor of any request that calls the provider: load libcurl (and its
 * dependencies) and initialise it, then print a redirect -- nothing else. */
#include <dlfcn.h>
#include <stdio.h>

int
main(void)
{
	void	*h;
	long	(*init)(long);

	if ((h = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL)) == NULL ||
	    (*(void **)&init = dlsym(h, "curl_global_init")) == NULL ||
	    init(3) != 0)
		return 1;
	fputs("Status: 302 Found\r\nLocation: https://meet.example.org/room\r\n"
	    "\r\n", stdout);
	return 0;
}
