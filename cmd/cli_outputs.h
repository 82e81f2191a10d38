/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* cli_outputs.h - a command with several outputs refuses two that name the
 * same file (one would silently replace the other): the same path, "./X"
 * and "X", a symbolic link and its target, hard links (fileio.h,
 * trec_output_same_file). Devices and FIFOs may be shared (/dev/null twice
 * is fine); two "-" are refused, as both would mix into standard output.
 * Header-only, like cli.h. */
#ifndef TREC_CLI_OUTPUTS_H
#define TREC_CLI_OUTPUTS_H

#include "cli.h"

/* opt[i] names output path[i] in messages ("--per-user"); NULL paths are
 * outputs not asked for. Exits 2 on a clash. */
static inline void cli_check_outputs(int n, const char *const opt[], const char *const path[])
{
    char msg[160];
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (!path[i] || !path[j])
                continue;
            if (strcmp(path[i], "-") == 0 && strcmp(path[j], "-") == 0) {
                snprintf(msg, sizeof msg, "%s and %s cannot both be '-' (stdout)", opt[i],
                         opt[j]);
                cli_usage_error(msg, NULL);
            }
            if (trec_output_same_file(path[i], path[j])) {
                snprintf(msg, sizeof msg, "%s and %s name the same file", opt[i], opt[j]);
                cli_usage_error(msg, path[j]);
            }
        }
}

#endif
