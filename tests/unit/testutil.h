/* testutil.h -- shared by the unit tests (cmocka). */
#ifndef JO_TESTUTIL_H
#define JO_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#define RUN(tests) \
	cmocka_run_group_tests(tests, NULL, NULL)

#endif
