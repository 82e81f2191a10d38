/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* check_main.h - the main() of every Check unit-test binary, and skips.
 *
 * Check has no notion of a skipped test. A test that cannot run here (the
 * MovieLens data is absent) calls TREC_SKIP(why) and returns: that prints one
 * line "trec-skip: TEST: why" on stderr, which scripts/run-unit-tests.sh
 * counts as a skip, not a pass (and as a failure when TREC_REQUIRE_DATASETS
 * is set, as in CI). */
#ifndef TREC_CHECK_MAIN_H
#define TREC_CHECK_MAIN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TREC_SKIP(...)                                                \
    do {                                                              \
        fprintf(stderr, "trec-skip: %s: ", __func__);                 \
        fprintf(stderr, __VA_ARGS__);                                 \
        fputc('\n', stderr);                                          \
        fflush(stderr);                                               \
        return;                                                       \
    } while (0)

/* The ml-latest-small directory: $TREC_ML_SMALL, else the shared copy
 * (tests run from the repository root). */
static inline const char *trec_test_ml_dir(void)
{
    const char *dir = getenv("TREC_ML_SMALL");
    return dir ? dir : "../shared/datasets/ml-latest-small";
}

#define TREC_CHECK_MAIN(make_suite)                                   \
    int main(void)                                                    \
    {                                                                 \
        SRunner *sr = srunner_create(make_suite());                   \
        srunner_run_all(sr, CK_NORMAL);                               \
        int failed = srunner_ntests_failed(sr);                       \
        srunner_free(sr);                                             \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;             \
    }

#endif
