/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* cli.h - what every trec-* command shares: its name in messages, error exits,
 * number parsing for options, the closing summary timer. Header-only: each
 * command is one translation unit. */
#ifndef TREC_CLI_H
#define TREC_CLI_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trec.h"

static const char *cli_prog = "trec";

/* Prints "prog: error: msg" and exits 1 (2 for usage errors). */
__attribute__((noreturn, format(printf, 2, 3)))
static inline void cli_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (isatty(2))
        fputs("\r\033[K", stderr);     /* over a progress line (cli_step) */
    fprintf(stderr, "%s: error: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

__attribute__((noreturn))
static inline void cli_fail(const trec_error *err)
{
    cli_die(1, "%s", err->msg);
}

/* The warning of a file matched to another by ids (trec_csr_align): what
 * it had that the other lacks, skipped. Nothing when nothing was. */
static inline void cli_align_warning(const char *name, const char *target,
                                     const trec_align_stats *st)
{
    if (st->rows_skipped || st->cols_skipped)
        fprintf(stderr, "%s: warning: %s: %llu users and %llu items not in %s skipped "
                "(%llu entries)\n", cli_prog, name, (unsigned long long)st->rows_skipped,
                (unsigned long long)st->cols_skipped, target,
                (unsigned long long)st->entries_skipped);
}

__attribute__((noreturn))
static inline void cli_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "%s: error: %s%s%s\nTry '%s --help' or 'man %s'.\n", cli_prog, msg,
            arg ? ": " : "", arg ? arg : "", cli_prog, cli_prog);
    exit(2);
}

static inline double cli_parse_double(const char *opt, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "%s: error: %s: '%s' is not a number in [%g, %g]\n",
                cli_prog, opt, s, lo, hi);
        exit(2);
    }
    return v;
}

static inline long long cli_parse_int(const char *opt, const char *s, long long lo, long long hi)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "%s: error: %s: '%s' is not an integer in [%lld, %lld]\n",
                cli_prog, opt, s, lo, hi);
        exit(2);
    }
    return v;
}

/* A size in bytes: digits with an optional K, M, G or T suffix (powers of
 * 1024). */
static inline uint64_t cli_parse_size(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    int shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    }
    if (errno || end == s || *end || s[0] == '-' || v > (UINT64_MAX >> shift)) {
        fprintf(stderr, "%s: error: %s: '%s' is not a size (bytes, or a number with K, M, "
                "G or T)\n", cli_prog, opt, s);
        exit(2);
    }
    return (uint64_t)v << shift;
}

static inline double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Default worker threads: the online cores, at most 8. */
static inline int cli_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* ---- the options every command shares ---- */

enum { CLI_OPT_THREADS = 200 };

/* Long options of cli_common_option, to put at the end of a command's table
 * (before its {0, 0, 0, 0}). */
#define CLI_COMMON_LONGOPTS                                  \
    {"output", required_argument, 0, 'o'},                   \
    {"threads", required_argument, 0, CLI_OPT_THREADS},      \
    {"quiet", no_argument, 0, 'q'},                          \
    {"help", no_argument, 0, 'h'},                           \
    {"version", no_argument, 0, 'V'}
#define CLI_COMMON_SHORTOPTS "o:qhV"

typedef struct cli_common {
    const char *out;       /* -o, --output ("-": stdout) */
    int threads;           /* --threads (default: cli_default_threads) */
    int quiet;             /* -q, --quiet */
} cli_common;

static inline void cli_version(void);

/* Handles option c if it is one of the shared ones (returns 1), with usage
 * the command's --help. */
static inline int cli_common_option(int c, const char *arg, cli_common *o, void (*usage)(void))
{
    switch (c) {
    case 'o': o->out = arg; return 1;
    case CLI_OPT_THREADS: o->threads = (int)cli_parse_int("--threads", arg, 1, 1024); return 1;
    case 'q': o->quiet = 1; return 1;
    case 'h': usage(); return 1;
    case 'V': cli_version(); return 1;
    default: return 0;
    }
}

static inline void cli_common_init(cli_common *o)
{
    o->out = "-";
    o->threads = cli_default_threads();
    o->quiet = 0;
}

/* The output options of the commands that print a table (trec-eval,
 * trec-recommend): --json, --pretty (indented JSON), --no-header (TSV
 * without its header line), -v. Their long options go before
 * CLI_COMMON_LONGOPTS. */
enum { CLI_OPT_JSON = 201, CLI_OPT_PRETTY, CLI_OPT_NO_HEADER };
#define CLI_OUTPUT_LONGOPTS                                  \
    {"json", no_argument, 0, CLI_OPT_JSON},                  \
    {"no-header", no_argument, 0, CLI_OPT_NO_HEADER},        \
    {"pretty", no_argument, 0, CLI_OPT_PRETTY},              \
    {"verbose", no_argument, 0, 'v'}
#define CLI_OUTPUT_SHORTOPTS "v"

typedef struct cli_output {
    int json;              /* --json (and --pretty) */
    int pretty;            /* --pretty */
    int no_header;         /* --no-header */
    int verbose;           /* -v, --verbose */
} cli_output;

/* Handles option c if it is one of the output options (returns 1). */
static inline int cli_output_option(int c, cli_output *o)
{
    switch (c) {
    case CLI_OPT_JSON: o->json = 1; return 1;
    case CLI_OPT_PRETTY: o->pretty = o->json = 1; return 1;
    case CLI_OPT_NO_HEADER: o->no_header = 1; return 1;
    case 'v': o->verbose = 1; return 1;
    default: return 0;
    }
}

static inline void cli_version(void)
{
    printf("%s (trec) %s\n", cli_prog, TREC_VERSION);
    exit(0);
}

/* ---- output conventions every command follows (trec(7), CONVENTIONS) ---- */

/* JSON: compact, one object on one line, so that `>> log.jsonl` collects
 * one run per line; --pretty indents it for people. cJSON.h must be
 * included before cli.h. */
#ifdef cJSON__h
static inline void cli_print_json(FILE *f, cJSON *doc, int pretty)
{
    char *text = pretty ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
    if (!text)
        cli_die(1, "out of memory printing JSON");
    fprintf(f, "%s\n", text);
    free(text);
}
#endif

/* Progress on a terminal: the step under way ("trec-eval: ranking 610
 * users...") on one line of standard error, replaced by the next step and
 * erased by cli_step_end. Nothing when stderr is not a terminal or quiet. */
__attribute__((format(printf, 2, 3)))
static inline void cli_step(int quiet, const char *fmt, ...)
{
    if (quiet || !isatty(2))
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "\r%s: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fputs("...\033[K", stderr);
    fflush(stderr);
    va_end(ap);
}

static inline void cli_step_end(int quiet)
{
    if (!quiet && isatty(2))
        fputs("\r\033[K", stderr);
}

/* Binary output is refused on a terminal unless forced (-f, --force), as
 * zstd does: it would only garble the screen. */
static inline void cli_refuse_binary_tty(const char *path, int force, const char *what)
{
    if (force || !path)
        return;
    int tty = 0;
    if (strcmp(path, "-") == 0) {
        tty = isatty(1);
    } else if (strncmp(path, "/dev/", 5) == 0) {
        int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
            tty = isatty(fd);
            close(fd);
        }
    }
    if (tty)
        cli_die(1, "refusing to write %s (binary) to a terminal: give a file name, or "
                "-f to force", what);
}

#endif
