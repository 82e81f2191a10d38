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

enum { OPT_TRAIN = 256, OPT_TEST, OPT_FRACTION, OPT_SEED, OPT_BY, OPT_LAST, OPT_CUT,
       OPT_CUT_FRACTION, OPT_VALID, OPT_VALID_FRACTION, OPT_JSON, OPT_PRETTY };

/* -v, --json, --pretty */
static struct { int verbose, json, pretty; } flags;

/* --json: the summary on stdout */
static void summary_json(const char *in, const char *train, const char *valid,
                         const char *test, const trec_csr *m, const trec_split_stats *st,
                         const trec_split_stats *vst, double seconds)
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
    cli_print_json(stdout, j, flags.pretty);
    cJSON_Delete(j);
}

/* The split and its writing: two outputs, or three with --valid. */
static void run(const char *in, const trec_split_opts *o, const char *train_path,
                const char *valid_path, double valid_fraction, const char *test_path,
                int quiet)
{
    double t0 = cli_now();
    trec_error err;
    trec_csr m, train, valid, test;
    trec_split_stats st, vst;
    const char *name = trec_display_name(in);
    memset(&valid, 0, sizeof valid);
    if (trec_csr_read(in, &m, &err) != 0)
        cli_fail(&err);
    double t_read = cli_now();
    if (valid_path) {
        const trec_csr *mats[3] = {&train, &valid, &test};
        const char *paths[3] = {train_path, valid_path, test_path};
        if (trec_split_valid(&m, name, o, valid_fraction, &train, &valid, &test, &st, &vst,
                             &err) != 0 ||
            trec_split_write_all(mats, paths, 3, &err) != 0)
            cli_fail(&err);
    } else if (trec_split(&m, name, o, &train, &test, &st, &err) != 0 ||
               trec_split_write(&train, train_path, &test, test_path, &err) != 0) {
        cli_fail(&err);
    }
    if (flags.verbose)
        fprintf(stderr, "%s: read %.2f s, split and wrote %.2f s\n", cli_prog, t_read - t0,
                cli_now() - t_read);
    if (flags.json)
        summary_json(in, train_path, valid_path, test_path, &m, &st, valid_path ? &vst : NULL,
                     cli_now() - t0);
    else if (!quiet)
        summary(in, &m, &st, valid_path ? &vst : NULL, cli_now() - t0);
    trec_csr_free(&train);
    trec_csr_free(&valid);
    trec_csr_free(&test);
    trec_csr_free(&m);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-split";
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
    const char *train_path = NULL, *test_path = NULL, *valid_path = NULL;
    double valid_fraction = TREC_SPLIT_DEFAULT_VALID_FRACTION;
    int valid_fraction_given = 0;
    trec_split_opts o = {.mode = TREC_SPLIT_RANDOM, .fraction = TREC_SPLIT_DEFAULT_FRACTION,
                         .seed = TREC_SPLIT_DEFAULT_SEED};
    int quiet = 0, modes = 0, fraction_given = 0, force = 0;
    const char *mode_opt = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "qvfhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TRAIN: train_path = optarg; break;
        case OPT_TEST: test_path = optarg; break;
        case OPT_FRACTION:
            o.fraction = cli_parse_double("--test-fraction", optarg, 0, 1);
            fraction_given = 1;
            break;
        case OPT_SEED:
            o.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, INT64_MAX);
            break;
        case OPT_BY:
            if (strcmp(optarg, "user") == 0)
                o.mode = TREC_SPLIT_BY_USER;
            else if (strcmp(optarg, "entry") == 0)
                o.mode = TREC_SPLIT_RANDOM;
            else
                cli_usage_error("--by: expected 'entry' or 'user'", optarg);
            modes++, mode_opt = "--by";
            break;
        case OPT_LAST:
            o.mode = TREC_SPLIT_LEAVE_LAST;
            o.k = (uint64_t)cli_parse_int("--leave-last", optarg, 1, INT64_MAX);
            modes++, mode_opt = "--leave-last";
            break;
        case OPT_CUT:
            o.mode = TREC_SPLIT_TIME_CUT;
            o.cut = parse_time(optarg);
            modes++, mode_opt = "--time-cut";
            break;
        case OPT_CUT_FRACTION:
            o.mode = TREC_SPLIT_TIME_FRACTION;
            o.fraction = cli_parse_double("--time-cut-fraction", optarg, 0, 1);
            modes++, mode_opt = "--time-cut-fraction";
            break;
        case OPT_VALID: valid_path = optarg; break;
        case OPT_VALID_FRACTION:
            valid_fraction = cli_parse_double("--valid-fraction", optarg, 0, 1);
            valid_fraction_given = 1;
            break;
        case 'q': quiet = 1; break;
        case 'v': flags.verbose = 1; break;
        case OPT_JSON: flags.json = 1; break;
        case OPT_PRETTY: flags.json = flags.pretty = 1; break;
        case 'f': force = 1; break;
        case 'h': usage();
        case 'V': cli_version(); break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    if (modes > 1)
        cli_usage_error("choose one of --by, --leave-last, --time-cut, "
                        "--time-cut-fraction", NULL);
    if (fraction_given && o.mode != TREC_SPLIT_RANDOM && o.mode != TREC_SPLIT_BY_USER)
        cli_usage_error("--test-fraction applies to random splits, not to", mode_opt);
    if (optind != argc - 1)
        cli_usage_error(optind == argc ? "missing INPUT matrix file"
                                       : "expected one INPUT matrix file", NULL);
    if (!train_path || !test_path)
        cli_usage_error(!train_path ? "missing --train FILE" : "missing --test FILE", NULL);
    if (valid_fraction_given && !valid_path)
        cli_usage_error("--valid-fraction goes with --valid FILE", NULL);
    if (valid_fraction_given && o.mode == TREC_SPLIT_LEAVE_LAST)
        cli_usage_error("--valid-fraction does not apply to --leave-last (validation takes "
                        "the K latest of what test leaves)", NULL);
    check_outputs(train_path, valid_path, test_path);
    if (quiet && flags.verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    const char *outs[3] = {train_path, valid_path, test_path};
    for (int i = 0; i < 3; i++) {
        if (flags.json && outs[i] && strcmp(outs[i], "-") == 0)
            cli_usage_error("--json prints on standard output, which '-' already uses", NULL);
        cli_refuse_binary_tty(outs[i], force, "a matrix");
    }
    run(argv[optind], &o, train_path, valid_path, valid_fraction, test_path, quiet);
    return 0;
}
