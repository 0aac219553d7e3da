/* dl.c -- see dl.h */
#include <dlfcn.h>

#include "dl.h"
#include "util.h"

int
jo_dl_open(void **lib, const char *file, int flags,
    const struct jo_dl_sym *syms, size_t n, const char *what, char *why,
    size_t wl)
{
	const char	*e;
	size_t		 i;

	if (*lib != NULL)
		return 0;
	if ((*lib = dlopen(file, flags)) == NULL) {
		e = dlerror();
		jo_why(why, wl, "cannot load %s: %s", file,
		    e ? e : "unknown error");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((*syms[i].fn = dlsym(*lib, syms[i].name)) == NULL) {
			jo_why(why, wl, "%s lacks the %s function %s", file,
			    what, syms[i].name);
			dlclose(*lib);
			*lib = NULL;
			return -1;
		}
	return 0;
}
