/* check_main.h - the main() of every Check unit-test binary. */
#ifndef TREC_CHECK_MAIN_H
#define TREC_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

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
