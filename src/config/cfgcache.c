/* cfgcache.c -- see cfgcache.h */
#include <sys/stat.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfgcache.h"
#include "util.h"

#define CFG_KEPT	4
#define CFG_FILES	(1 + sizeof(((struct jo_config *)0)->files) / \
			    sizeof(((struct jo_config *)0)->files[0]))

struct cfgent {
	char			*path;
	struct jo_config	 cfg;
	int			 ok;
	struct stat		 st[CFG_FILES];	/* the file, its secret files */
	struct stat		 bad;	/* a version that was refused */
	time_t			 checked;
	int			 gen;	/* of SIGHUP */
	char			 why[8192];
};

struct jo_cfgcache {
	struct cfgent		 e[CFG_KEPT];
	unsigned		 next;
};

/* SIGHUP: every configuration is read again (a generation count) */
static volatile sig_atomic_t	 hup_gen;

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void
look(const char *path, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	(void)stat(path, st);
}

/* Has the file, or a secret file the running version read, changed? */
static int
changed(const struct cfgent *e, const struct stat *st0)
{
	struct stat	 st;
	size_t		 i;

	if (!same_file(st0, &e->st[0]))
		return 1;
	for (i = 0; i < e->cfg.nfiles; i++) {
		look(e->cfg.files[i], &st);
		if (!same_file(&st, &e->st[1 + i]))
			return 1;
	}
	return 0;
}

static void
cfgent_clear(struct cfgent *e)
{
	if (e->ok)
		jo_config_free(&e->cfg);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

const struct jo_config *
jo_cfgcache_get(struct jo_cfgcache *cc, const char *path, const char **why)
{
	struct cfgent		*e = NULL;
	struct jo_config	 c;
	struct stat		 st;
	char			 w[8192], *nl;
	size_t			 i;
	int			 fresh = 0, hup;

	for (i = 0; i < CFG_KEPT && e == NULL; i++)
		if (cc->e[i].path != NULL && strcmp(cc->e[i].path, path) == 0)
			e = &cc->e[i];
	if (e == NULL) {
		e = &cc->e[cc->next++ % CFG_KEPT];
		cfgent_clear(e);
		e->path = jo_xstrdup(path);
		fresh = 1;
	}
	*why = e->why;
	if (!fresh && e->gen == hup_gen && e->checked == time(NULL))
		return e->ok ? &e->cfg : NULL;
	e->checked = time(NULL);
	look(path, &st);
	if (!fresh && e->gen == hup_gen) {
		if (e->ok && (st.st_ino == 0 || !changed(e, &st)))
			return &e->cfg;	/* unchanged, or gone for a moment */
		if (!e->ok && same_file(&st, &e->bad))
			return NULL;
	}
	hup = !fresh && e->gen != hup_gen;
	e->gen = hup_gen;
	if (jo_config_load(path, &c, w, sizeof(w)) == -1) {
		if (e->ok) {
			/* said once per version, and once per SIGHUP (a
			 * deleted file has no version to tell apart) */
			if (hup || !same_file(&st, &e->bad)) {
				if ((nl = strchr(w, '\n')) != NULL)
					*nl = '\0';
				jo_log("configuration %s changed but is not "
				    "valid, still running the previous one: %s",
				    path, w);
			}
			e->bad = st;
			return &e->cfg;
		}
		e->bad = st;
		memcpy(e->why, w, sizeof(w));
		return NULL;
	}
	if (e->ok)
		jo_config_free(&e->cfg);
	e->cfg = c;
	e->ok = 1;
	/* the versions read (fstat), not what is at the paths now */
	e->st[0] = c.st;
	for (i = 0; i < c.nfiles; i++)
		e->st[1 + i] = c.files_st[i];
	memset(&e->bad, 0, sizeof(e->bad));
	return &e->cfg;
}

struct jo_cfgcache *
jo_cfgcache_new(void)
{
	struct jo_cfgcache	*cc = jo_xmalloc(sizeof(*cc));

	memset(cc, 0, sizeof(*cc));
	return cc;
}

void
jo_cfgcache_free(struct jo_cfgcache *cc)
{
	size_t	 i;

	if (cc == NULL)
		return;
	for (i = 0; i < CFG_KEPT; i++)
		cfgent_clear(&cc->e[i]);
	free(cc);
}

int
jo_cfgcache_done(const struct jo_cfgcache *cc, long served)
{
	size_t	 i;

	for (i = 0; i < CFG_KEPT; i++)
		if (cc->e[i].ok && cc->e[i].cfg.max_requests > 0 &&
		    served >= cc->e[i].cfg.max_requests)
			return 1;
	return 0;
}

void
jo_cfgcache_hup(void)
{
	hup_gen++;
}
