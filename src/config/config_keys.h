/* config_keys.h -- the configuration's keys: one table of every key,
 * its kind, where it is stored and its limits, and the parser of one
 * value.  Used by config.c (the file, defaults and the rules between
 * keys); the other modules read struct jo_config (config.h). */
#ifndef JO_CONFIG_KEYS_H
#define JO_CONFIG_KEYS_H

#include <stddef.h>

#include "config.h"

enum jo_key_kind {
	K_STR,		/* text, no control character */
	K_URL,		/* an absolute http(s) URL, no query or fragment */
	K_SECRET,	/* text; wiped when freed */
	K_SECRET_FILE,	/* a file's content, into the twin's field */
	K_SECONDS,	/* whole seconds in [min, max] */
	K_ENUM,		/* one of choices */
	K_BOOL,		/* yes/no, true/false, 1/0 */
	K_COUNT		/* a whole number in [min, max] */
};

struct jo_key {
	const char	*name;
	enum jo_key_kind kind;
	int		 required;	/* (or its twin `other`) */
	size_t		 off;		/* of the char *, long or int */
	long		 min, max;	/* K_SECONDS, K_COUNT */
	const char	*other;		/* the _file twin of a secret */
	const char	*choices;	/* K_ENUM: "a|b|c" */
};

#define JO_KEYS_MAX	128		/* room for the table (asserted) */

extern const struct jo_key	jo_keys[];
extern const size_t		jo_nkeys;

/* The index of the key called name, or jo_nkeys. */
size_t	 jo_key_index(const char *name);
/* Parse v as key k into c; on failure -1 and why (v shown only where it
 * cannot be a secret). */
int	 jo_key_set(struct jo_config *c, const struct jo_key *k,
	    const char *v, char *why, size_t whylen);
/* Free every field the table owns (secrets wiped). */
void	 jo_config_keys_free(struct jo_config *c);

#endif
