/* dl.h -- the one run-time loader.  libcurl, libjwt and libfcgi are not
 * linked: each is loaded with dlopen() by the module that uses it, the
 * first time it is needed (see http.c, jwt.c, fcgi.c for why), through
 * a table of the symbols it needs, whose pointer types are taken from
 * the library's own header with __typeof__. */
#ifndef JO_DL_H
#define JO_DL_H

#include <stddef.h>

struct jo_dl_sym {
	const char	*name;
	void		**fn;		/* where its address goes */
};

#define JO_DL_SYM(tab, f, sym)	{ #sym, (void **)&(tab).f }

/* Load file into *lib (once: an open *lib is kept) and resolve every
 * symbol; -1 with why, and *lib NULL, when anything is missing.  what
 * names the library in the message ("libcurl"). */
int	 jo_dl_open(void **lib, const char *file, int flags,
	    const struct jo_dl_sym *, size_t, const char *what, char *,
	    size_t);

#endif
