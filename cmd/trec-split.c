/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-split - splits an interaction matrix into train and test matrices
 * (see trec-split(1)). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cli_outputs.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s INPUT --train FILE [--valid FILE] --test FILE [OPTIONS]\n"
           "Splits the entries of the matrix file INPUT ('-': stdin) into a train and a\n"
           "test matrix (and a validation matrix) of the same shape, labels and\n"
           "timestamps ('-': stdout, for one).\n"
           "\n"
           "Split (one of; default: random entries):\n"
           "  --test-fraction F      share of entries in test, in [0, 1] (default %g)\n"
           "  --seed N               seed of the random choice (default %u)\n"
           "  --by entry|user        entry: round(F x nnz) entries chosen from all\n"
           "                         (default); user: round(F x n) of each user's n\n"
           "                         entries (users with one entry keep it in train)\n"
           "  --leave-last K         each user's K latest entries (by timestamp) go to\n"
           "                         test; users with <= K entries keep their earliest\n"
           "  --time-cut T           entries with timestamp >= T go to test (T: seconds\n"
           "                         since 1970, or YYYY-MM-DD[THH:MM:SS[Z]] in UTC)\n"
           "  --time-cut-fraction F  the cut at the time of the round(F x nnz)-th\n"
           "                         latest entry\n"
           "Validation (a third output, carved from what test leaves):\n"
           "  --valid FILE           the validation matrix: the same rule applied to the\n"
           "                         entries left after test, with seed N + 1 (as a\n"
           "                         second trec-split of the train part)\n"
           "  --valid-fraction F     its share of those entries, in [0, 1] (default %g);\n"
           "                         time modes: the latest share; --leave-last K: the\n"
           "                         K latest again\n"
           "Output:\n"
           "  -q, --quiet            no summary on stderr\n"
           "  -v, --verbose          also the time to read, split and write\n"
           "  --json                 the summary as one line of JSON on stdout\n"
           "  --pretty               the same, indented\n"
           "  -f, --force            write a (binary) matrix to a terminal anyway\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n"
           "See 'man trec-split' for the exact rules.\n",
           cli_prog, TREC_SPLIT_DEFAULT_FRACTION, TREC_SPLIT_DEFAULT_SEED,
           TREC_SPLIT_DEFAULT_VALID_FRACTION);
    exit(0);
}

/* Checks that tm holds what timegm made of it (rejects 2021-02-30). */
static int same_date(const struct tm *want, time_t t)
{
    struct tm got;
    return gmtime_r(&t, &got) && got.tm_year == want->tm_year &&
           got.tm_mon == want->tm_mon && got.tm_mday == want->tm_mday &&
           got.tm_hour == want->tm_hour && got.tm_min == want->tm_min &&
           got.tm_sec == want->tm_sec;
}

/* s starts with the shape of pattern: 'd' a digit, anything else itself. */
static int shaped(const char *s, const char *pattern)
{
    for (; *pattern; s++, pattern++)
        if (*pattern == 'd' ? !(*s >= '0' && *s <= '9') : *s != *pattern)
            return 0;
    return 1;
}

#define TIME_FORMS "seconds since 1970 or YYYY-MM-DD[THH:MM:SS[Z]] (UTC)"

/* --time-cut: seconds since the epoch, or an ISO-8601 UTC date/time. */
static int64_t parse_time(const char *s)
{
    if (shaped(s, "dddd-dd-dd")) {
        int y, mo, d, h = 0, mi = 0, sec = 0;
        sscanf(s, "%4d-%2d-%2d", &y, &mo, &d);
        const char *rest = s + 10;
        if (shaped(rest, "Tdd:dd:dd")) {
            sscanf(rest, "T%2d:%2d:%2d", &h, &mi, &sec);
            rest += 9;
            if (*rest == 'Z')
                rest++;
        }
        struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                        .tm_hour = h, .tm_min = mi, .tm_sec = sec};
        struct tm want = tm;
        time_t t = timegm(&tm);
        if (*rest || !same_date(&want, t))
            cli_usage_error("--time-cut: expected " TIME_FORMS, s);
        return (int64_t)t;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        cli_usage_error("--time-cut: expected " TIME_FORMS, s);
    return v;
}

/* Stops a run that would write two outputs to the same file. */
static void check_outputs(const char *train, const char *valid, const char *test)
{
    const char *p[3] = {train, test, valid}, *opt[3] = {"--train", "--test", "--valid"};
    cli_check_outputs(3, opt, p);
}

enum { OPT_TRAIN = 256, OPT_TEST, OPT_FRACTION, OPT_SEED, OPT_BY, OPT_LAST, OPT_CUT,
       OPT_CUT_FRACTION, OPT_VALID, OPT_VALID_FRACTION, OPT_JSON, OPT_PRETTY };

static const struct option longopts[] = {
    {"train", required_argument, 0, OPT_TRAIN},
    {"test", required_argument, 0, OPT_TEST},
    {"test-fraction", required_argument, 0, OPT_FRACTION},
    {"seed", required_argument, 0, OPT_SEED},
    {"by", required_argument, 0, OPT_BY},
    {"leave-last", required_argument, 0, OPT_LAST},
    {"time-cut", required_argument, 0, OPT_CUT},
    {"time-cut-fraction", required_argument, 0, OPT_CUT_FRACTION},
    {"valid", required_argument, 0, OPT_VALID},
    {"valid-fraction", required_argument, 0, OPT_VALID_FRACTION},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    {"json", no_argument, 0, OPT_JSON},
    {"pretty", no_argument, 0, OPT_PRETTY},
    {"force", no_argument, 0, 'f'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};

typedef struct options {
    trec_split_opts split;
    const char *in, *train, *valid, *test;
    double valid_fraction;
    int valid_fraction_given, fraction_given;
    int modes;                      /* split modes given (at most one) */
    const char *mode_opt;           /* the last one */
    int quiet, verbose, json, pretty, force;  /* -q, -v, --json, --pretty, -f */
} options;

/* A split mode option: its mode, and one more given. */
static void set_mode(options *o, int mode, const char *opt)
{
    o->split.mode = mode;
    o->modes++;
    o->mode_opt = opt;
}

static void set_option(options *o, int c, const char *arg)
{
    trec_split_opts *so = &o->split;
    switch (c) {
    case OPT_TRAIN: o->train = arg; break;
    case OPT_TEST: o->test = arg; break;
    case OPT_FRACTION:
        so->fraction = cli_parse_double("--test-fraction", arg, 0, 1);
        o->fraction_given = 1;
        break;
    case OPT_SEED: so->seed = (uint64_t)cli_parse_int("--seed", arg, 0, INT64_MAX); break;
    case OPT_BY:
        if (strcmp(arg, "user") == 0)
            set_mode(o, TREC_SPLIT_BY_USER, "--by");
        else if (strcmp(arg, "entry") == 0)
            set_mode(o, TREC_SPLIT_RANDOM, "--by");
        else
            cli_usage_error("--by: expected 'entry' or 'user'", arg);
        break;
    case OPT_LAST:
        set_mode(o, TREC_SPLIT_LEAVE_LAST, "--leave-last");
        so->k = (uint64_t)cli_parse_int("--leave-last", arg, 1, INT64_MAX);
        break;
    case OPT_CUT:
        set_mode(o, TREC_SPLIT_TIME_CUT, "--time-cut");
        so->cut = parse_time(arg);
        break;
    case OPT_CUT_FRACTION:
        set_mode(o, TREC_SPLIT_TIME_FRACTION, "--time-cut-fraction");
        so->fraction = cli_parse_double("--time-cut-fraction", arg, 0, 1);
        break;
    case OPT_VALID: o->valid = arg; break;
    case OPT_VALID_FRACTION:
        o->valid_fraction = cli_parse_double("--valid-fraction", arg, 0, 1);
        o->valid_fraction_given = 1;
        break;
    case 'q': o->quiet = 1; break;
    case 'v': o->verbose = 1; break;
    case OPT_JSON: o->json = 1; break;
    case OPT_PRETTY: o->json = o->pretty = 1; break;
    case 'f': o->force = 1; break;
    case 'h': usage();
    case 'V': cli_version(); break;
    default: cli_usage_error("invalid option", NULL);
    }
}

static void check_args(options *o, int argc, char **argv)
{
    if (o->modes > 1)
        cli_usage_error("choose one of --by, --leave-last, --time-cut, "
                        "--time-cut-fraction", NULL);
    int mode = o->split.mode;
    if (o->fraction_given && mode != TREC_SPLIT_RANDOM && mode != TREC_SPLIT_BY_USER)
        cli_usage_error("--test-fraction applies to random splits, not to", o->mode_opt);
    if (optind != argc - 1)
        cli_usage_error(optind == argc ? "missing INPUT matrix file"
                                       : "expected one INPUT matrix file", NULL);
    if (!o->train || !o->test)
        cli_usage_error(!o->train ? "missing --train FILE" : "missing --test FILE", NULL);
    if (o->valid_fraction_given && !o->valid)
        cli_usage_error("--valid-fraction goes with --valid FILE", NULL);
    if (o->valid_fraction_given && mode == TREC_SPLIT_LEAVE_LAST)
        cli_usage_error("--valid-fraction does not apply to --leave-last (validation takes "
                        "the K latest of what test leaves)", NULL);
    check_outputs(o->train, o->valid, o->test);
    if (o->quiet && o->verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    const char *outs[3] = {o->train, o->valid, o->test};
    for (int i = 0; i < 3; i++) {
        if (o->json && outs[i] && strcmp(outs[i], "-") == 0)
            cli_usage_error("--json prints on standard output, which '-' already uses", NULL);
        cli_refuse_binary_tty(outs[i], o->force, "a matrix");
    }
    o->in = argv[optind];
}

static void parse_args(options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->split = (trec_split_opts){.mode = TREC_SPLIT_RANDOM,
                                 .fraction = TREC_SPLIT_DEFAULT_FRACTION,
                                 .seed = TREC_SPLIT_DEFAULT_SEED};
    o->valid_fraction = TREC_SPLIT_DEFAULT_VALID_FRACTION;
    int c;
    while ((c = getopt_long(argc, argv, "qvfhV", longopts, NULL)) != -1)
        set_option(o, c, optarg);
    check_args(o, argc, argv);
}

/* ---- run: the split and its writing (two outputs, or three with --valid) ---- */

typedef struct run {
    const options *o;
    trec_csr m, train, valid, test;
    trec_split_stats st, vst;
    double t0, t_read;
} run;

static void split(run *r)
{
    const options *o = r->o;
    trec_error err;
    const char *name = trec_display_name(o->in);
    if (trec_csr_read(o->in, &r->m, &err) != 0)
        cli_fail(&err);
    r->t_read = cli_now();
    if (o->valid) {
        const trec_csr *mats[3] = {&r->train, &r->valid, &r->test};
        const char *paths[3] = {o->train, o->valid, o->test};
        if (trec_split_valid(&r->m, name, &o->split, o->valid_fraction, &r->train, &r->valid,
                             &r->test, &r->st, &r->vst, &err) != 0 ||
            trec_split_write_all(mats, paths, 3, &err) != 0)
            cli_fail(&err);
    } else if (trec_split(&r->m, name, &o->split, &r->train, &r->test, &r->st, &err) != 0 ||
               trec_split_write(&r->train, o->train, &r->test, o->test, &err) != 0) {
        cli_fail(&err);
    }
}

/* ---- print: the summary ---- */

static void summary(const char *in, const trec_csr *m, const trec_split_stats *st,
                    const trec_split_stats *vst, double seconds)
{
    double pct = m->nnz ? 100.0 * (double)st->test_nnz / (double)m->nnz : 0;
    fprintf(stderr, "%s: %s: %llu entries: train %llu, ", cli_prog, trec_display_name(in),
            (unsigned long long)m->nnz,
            (unsigned long long)(vst ? vst->train_nnz : st->train_nnz));
    if (vst)
        fprintf(stderr, "valid %llu (%.2f%%), ", (unsigned long long)vst->test_nnz,
                m->nnz ? 100.0 * (double)vst->test_nnz / (double)m->nnz : 0);
    fprintf(stderr, "test %llu (%.2f%%); %llu of %llu users have test entries",
            (unsigned long long)st->test_nnz, pct,
            (unsigned long long)st->test_rows, (unsigned long long)m->rows);
    if (vst)
        fprintf(stderr, ", %llu have validation entries", (unsigned long long)vst->test_rows);
    if (st->has_cut) {
        char buf[64];
        fprintf(stderr, "; cut at %s (%lld)", trec_format_time(st->cut, buf, sizeof buf),
                (long long)st->cut);
    }
    fprintf(stderr, " (%.2f s)\n", seconds);
}

/* --json: the summary on stdout */
static void summary_json(const char *in, const char *train, const char *valid,
                         const char *test, const trec_csr *m, const trec_split_stats *st,
                         const trec_split_stats *vst, double seconds, int pretty)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "tool", cli_prog);
    cJSON_AddStringToObject(j, "input", trec_display_name(in));
    cJSON_AddStringToObject(j, "train", train);
    if (valid)
        cJSON_AddStringToObject(j, "valid", valid);
    cJSON_AddStringToObject(j, "test", test);
    cJSON_AddNumberToObject(j, "entries", (double)m->nnz);
    cJSON_AddNumberToObject(j, "train_entries", (double)(vst ? vst->train_nnz : st->train_nnz));
    if (vst)
        cJSON_AddNumberToObject(j, "valid_entries", (double)vst->test_nnz);
    cJSON_AddNumberToObject(j, "test_entries", (double)st->test_nnz);
    cJSON_AddNumberToObject(j, "users", (double)m->rows);
    cJSON_AddNumberToObject(j, "users_with_test", (double)st->test_rows);
    if (st->has_cut)
        cJSON_AddNumberToObject(j, "cut", (double)st->cut);
    cJSON_AddNumberToObject(j, "seconds", round(seconds * 1000) / 1000);
    cli_print_json(stdout, j, pretty);
    cJSON_Delete(j);
}

static void print(const run *r)
{
    const options *o = r->o;
    const trec_split_stats *vst = o->valid ? &r->vst : NULL;
    if (o->verbose)
        fprintf(stderr, "%s: read %.2f s, split and wrote %.2f s\n", cli_prog,
                r->t_read - r->t0, cli_now() - r->t_read);
    if (o->json)
        summary_json(o->in, o->train, o->valid, o->test, &r->m, &r->st, vst,
                     cli_now() - r->t0, o->pretty);
    else if (!o->quiet)
        summary(o->in, &r->m, &r->st, vst, cli_now() - r->t0);
}

static void release(run *r)
{
    trec_csr_free(&r->train);
    trec_csr_free(&r->valid);
    trec_csr_free(&r->test);
    trec_csr_free(&r->m);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-split";
    options o;
    parse_args(&o, argc, argv);
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.t0 = cli_now();
    split(&r);
    print(&r);
    release(&r);
    return 0;
}
