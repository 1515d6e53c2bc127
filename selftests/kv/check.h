/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "PASS <name>" / "FAIL <name>: <why>" lines of the in-guest C tests; the
 * selftest shell library (tap_lines) turns them into TAP.
 */
#ifndef SELFTESTS_KV_CHECK_H
#define SELFTESTS_KV_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int failures;

static void __attribute__((format(printf, 3, 4)))
check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (cond) {
		printf("PASS %s\n", name);
	} else {
		failures++;
		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

#endif
