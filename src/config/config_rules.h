/* config_rules.h -- the configuration's defaults and the rules between
 * its keys, applied once every line is read (config.c).  Problems are
 * collected, one per line, so that --check-config can list them all;
 * the program refuses to run with any. */
#ifndef JO_CONFIG_RULES_H
#define JO_CONFIG_RULES_H

#include <stddef.h>

#include "config.h"
#include "util.h"

struct jo_problems {
	struct jo_buf	 b;
	size_t		 n;
};

void	 jo_problem(struct jo_problems *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Secrets, access and token rules, the authorization request, the
 * client's authentication and the network: defaults filled in, every
 * problem added to pr.  seen[i]: key i was given. */
void	 jo_config_rules(const char *name, struct jo_config *,
	    const int *seen, struct jo_problems *);

#endif
