/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-ingest - delimited ratings, item or user features -> trec matrix file.
 * See trec-ingest(1). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>

#include "cli.h"
#include "trec.h"

static void usage(void)
{
    printf("Usage: trec-ingest [OPTION]... RATINGS [--align REF] -o MATRIX\n"
           "       trec-ingest --item-features [OPTION]... ITEMS [--align MATRIX] -o MATRIX\n"
           "       trec-ingest --user-features --feature-col COL [OPTION]... USERS\n"
           "                   [--align MATRIX] -o MATRIX\n"
           "Turn a delimited ratings file (MovieLens ratings.csv, u.data, ratings.dat)\n"
           "into a users x items matrix, or an item file (movies.csv) or a user file\n"
           "into a multi-hot items (users) x features matrix. '-' reads standard input\n"
           "or writes standard output.\n"
           "\n"
           "  -o, --output FILE      the matrix file to write (required)\n"
           "      --sep SEP          field separator: one character, tab, comma,\n"
           "                         semicolon, space, pipe, or a string such as ::\n"
           "                         (default: comma)\n"
           "      --quote CHAR|none  quote character (default: \" except for tab and ::)\n"
           "      --header, --no-header   line 1 is / is not a header (default: detect)\n"
           "      --user-col COL     user id column: 1-based number or header name (1)\n"
           "      --item-col COL     item id column (2)\n"
           "      --rating-col COL|none   rating column; none: implicit, values 1 (3)\n"
           "      --time-col COL|none     timestamp column (4)\n"
           "      --duplicates last|max|sum|error   repeated (user, item) pairs (last)\n"
           "      --skip-bad         skip and count bad lines instead of failing\n"
           "      --threads N        parsing threads (default: online cores, at most 8)\n"
           "      --block-size BYTES input block size (default: 8 MiB)\n"
           "      --item-features    read item features instead of ratings\n"
           "      --user-features    read user features instead of ratings\n"
           "      --align REF        ratings: rows and columns follow the users and\n"
           "                         items of REF (a matrix or a model file); features:\n"
           "                         rows = the items (column labels) of the matrix\n"
           "                         REF, or its users (row labels) with --user-features\n"
           "      --new-ids append|drop|error   ratings with --align: a user or item\n"
           "                         not in REF gets a new row/column after REF's\n"
           "                         (append, default), is dropped and counted, or fails\n"
           "      --id-col COL       id column of the features file (movieId; userId)\n"
           "      --feature-col COL  features column (genres; required for users)\n"
           "      --feature-sep SEP  separator inside the features field (|)\n"
           "      --feature-flags COLS   one-hot 0/1 flag columns instead of a features\n"
           "                         column (ml-100k u.item: 6-24): numbers, ranges, names\n"
           "      --feature-value COL   the column holding the value of the line's\n"
           "                         feature instead of 1 (genome-scores.csv: relevance)\n"
           "      --repeated-ids merge|error   an id on several lines (tags.csv: one\n"
           "                         tag a line): unite their features, or fail (error)\n"
           "  -q, --quiet            no summary on standard error\n"
           "  -v, --verbose          also the time to read and to write\n"
           "      --json             the summary as one line of JSON on standard output\n"
           "      --pretty           the same, indented\n"
           "  -f, --force            write the (binary) matrix to a terminal anyway\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n"
           "\n"
           "See trec-ingest(1) for the header rule, id order and error format.\n");
    exit(0);
}

enum {
    OPT_SEP = 256, OPT_QUOTE, OPT_HEADER, OPT_NO_HEADER, OPT_USER, OPT_ITEM,
    OPT_RATING, OPT_TIME, OPT_DUPS, OPT_SKIP, OPT_THREADS, OPT_BLOCK,
    OPT_FEATURES, OPT_USER_FEATURES, OPT_ALIGN, OPT_IDCOL, OPT_FCOL, OPT_FSEP, OPT_REPEATED,
    OPT_JSON, OPT_PRETTY, OPT_NEW_IDS, OPT_FFLAGS, OPT_FVALUE
};

/* -v, --json, --pretty, -f */
static struct { int verbose, json, pretty, force; } flags;

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"sep", required_argument, NULL, OPT_SEP},
    {"quote", required_argument, NULL, OPT_QUOTE},
    {"header", no_argument, NULL, OPT_HEADER},
    {"no-header", no_argument, NULL, OPT_NO_HEADER},
    {"user-col", required_argument, NULL, OPT_USER},
    {"item-col", required_argument, NULL, OPT_ITEM},
    {"rating-col", required_argument, NULL, OPT_RATING},
    {"time-col", required_argument, NULL, OPT_TIME},
    {"duplicates", required_argument, NULL, OPT_DUPS},
    {"skip-bad", no_argument, NULL, OPT_SKIP},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"block-size", required_argument, NULL, OPT_BLOCK},
    {"item-features", no_argument, NULL, OPT_FEATURES},
    {"user-features", no_argument, NULL, OPT_USER_FEATURES},
    {"repeated-ids", required_argument, NULL, OPT_REPEATED},
    {"align", required_argument, NULL, OPT_ALIGN},
    {"new-ids", required_argument, NULL, OPT_NEW_IDS},
    {"id-col", required_argument, NULL, OPT_IDCOL},
    {"feature-col", required_argument, NULL, OPT_FCOL},
    {"feature-sep", required_argument, NULL, OPT_FSEP},
    {"feature-flags", required_argument, NULL, OPT_FFLAGS},
    {"feature-value", required_argument, NULL, OPT_FVALUE},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"json", no_argument, NULL, OPT_JSON},
    {"pretty", no_argument, NULL, OPT_PRETTY},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void print_warnings(char (*w)[600], int n, uint64_t skipped, const char *name)
{
    for (int i = 0; i < n; i++)
        fprintf(stderr, "%s: warning: skipped %s\n", cli_prog, w[i]);
    if (skipped > (uint64_t)n)
        fprintf(stderr, "%s: warning: %s: %llu more bad lines skipped\n", cli_prog,
                name, (unsigned long long)(skipped - (uint64_t)n));
}

/* The summary as JSON on stdout (--json); the object is consumed. */
static void print_summary_json(cJSON *o, const char *in, const char *out, double t0)
{
    cJSON_AddNumberToObject(o, "seconds", round((cli_now() - t0) * 1000) / 1000);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "tool", cli_prog);
    cJSON_AddStringToObject(doc, "input", trec_display_name(in));
    cJSON_AddStringToObject(doc, "output", out);
    cJSON *it;
    while ((it = o->child)) {
        cJSON_DetachItemViaPointer(o, it);
        cJSON_AddItemToObject(doc, it->string, it);
    }
    cJSON_Delete(o);
    cli_print_json(stdout, doc, flags.pretty);
    cJSON_Delete(doc);
}

static void verbose_times(double t0, double t_read)
{
    if (flags.verbose)
        fprintf(stderr, "%s: read %.2f s, wrote %.2f s\n", cli_prog, t_read - t0,
                cli_now() - t_read);
}

static int run_ratings(const char *in, const char *out, const char *align_path,
                       trec_ingest_opts *o, int quiet)
{
    double t0 = cli_now();
    trec_error err;
    trec_csr m;
    trec_ingest_stats st;
    trec_reference ref;
    memset(&ref, 0, sizeof ref);
    if (align_path) {
        if (trec_reference_read(align_path, &ref, &err) != 0)
            cli_fail(&err);
        o->align_users = &ref.users;
        o->align_items = &ref.items;
    }
    cli_step(quiet, "reading %s", trec_display_name(in));
    int rc = trec_ingest_ratings(in, o, &m, &st, &err);
    trec_reference_free(&ref);
    cli_step(quiet, "writing %s", trec_display_name(out));
    if (rc != 0) {
        cli_step_end(quiet);
        /* Skipped lines say why nothing was left (--skip-bad on all-bad input). */
        if (!quiet)
            print_warnings(st.warnings, st.nwarnings, st.skipped, trec_display_name(in));
        cli_fail(&err);
    }
    double t_read = cli_now();
    if (trec_csr_write(out, &m, &err) != 0) {
        trec_csr_free(&m);
        cli_step_end(quiet);
        cli_fail(&err);
    }
    cli_step_end(quiet);
    verbose_times(t0, t_read);
    const char *name = trec_display_name(in);
    if (flags.json) {
        if (!quiet)
            print_warnings(st.warnings, st.nwarnings, st.skipped, name);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", "ratings");
        cJSON_AddNumberToObject(j, "users", (double)m.rows);
        cJSON_AddNumberToObject(j, "items", (double)m.cols);
        cJSON_AddNumberToObject(j, st.implicit ? "interactions" : "ratings", (double)m.nnz);
        cJSON_AddNumberToObject(j, "duplicates_merged", (double)st.duplicates);
        cJSON_AddNumberToObject(j, "lines_skipped", (double)st.skipped);
        print_summary_json(j, in, out, t0);
    } else if (!quiet) {
        print_warnings(st.warnings, st.nwarnings, st.skipped, name);
        double density = (double)m.nnz / ((double)m.rows * (double)m.cols);
        fprintf(stderr, "%s: %s: %llu users, %llu items, %llu %s (density %.4g%%), "
                "%llu duplicates merged, %llu lines skipped, %.2f s\n", cli_prog, name,
                (unsigned long long)m.rows, (unsigned long long)m.cols,
                (unsigned long long)m.nnz, st.implicit ? "interactions" : "ratings",
                100.0 * density, (unsigned long long)st.duplicates,
                (unsigned long long)st.skipped, cli_now() - t0);
        if (align_path)
            fprintf(stderr, "%s: aligned to %s: %llu new users, %llu new items %s "
                    "(%llu entries dropped)\n", cli_prog, trec_display_name(align_path),
                    (unsigned long long)st.new_users, (unsigned long long)st.new_items,
                    o->new_ids == TREC_NEW_IDS_DROP ? "dropped" : "appended",
                    (unsigned long long)st.dropped_entries);
    }
    trec_csr_free(&m);
    return 0;
}

/* Item features align to a matrix's columns (items), user features to its
 * rows (users). */
static int run_features(const char *in, const char *out, const char *align_path,
                        const trec_features_opts *o, int users, int quiet)
{
    const char *what = users ? "users" : "items", *one = users ? "user" : "item";
    double t0 = cli_now();
    trec_error err;
    trec_csr m, al;
    trec_features_stats st;
    memset(&al, 0, sizeof al);
    if (align_path) {
        if (trec_csr_read(align_path, &al, &err) != 0)
            cli_fail(&err);
        const trec_labels *l = users ? &al.row_labels : &al.col_labels;
        if (l->count == 0 && (users ? al.rows : al.cols) > 0)
            cli_die(1, "%s: the matrix has no %s labels (raw %s ids) to align to",
                    trec_display_name(align_path), users ? "row" : "column", one);
    }
    const trec_labels *align = !align_path ? NULL : users ? &al.row_labels : &al.col_labels;
    if (trec_item_features(in, o, align, &m, &st, &err) != 0) {
        trec_csr_free(&al);
        if (!quiet)
            print_warnings(st.warnings, st.nwarnings, st.skipped, trec_display_name(in));
        cli_fail(&err);
    }
    trec_csr_free(&al);
    double t_read = cli_now();
    if (trec_csr_write(out, &m, &err) != 0) {
        trec_csr_free(&m);
        cli_fail(&err);
    }
    verbose_times(t0, t_read);
    const char *name = trec_display_name(in);
    if (flags.json) {
        if (!quiet)
            print_warnings(st.warnings, st.nwarnings, st.skipped, name);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", users ? "user-features" : "item-features");
        cJSON_AddNumberToObject(j, what, (double)m.rows);
        cJSON_AddNumberToObject(j, "features", (double)m.cols);
        cJSON_AddNumberToObject(j, "nonzeros", (double)m.nnz);
        if (align_path) {
            cJSON_AddNumberToObject(j, "aligned_without_features", (double)st.missing);
            cJSON_AddNumberToObject(j, "dropped", (double)st.dropped);
        }
        cJSON_AddNumberToObject(j, "lines_skipped", (double)st.skipped);
        print_summary_json(j, in, out, t0);
    } else if (!quiet) {
        print_warnings(st.warnings, st.nwarnings, st.skipped, name);
        fprintf(stderr, "%s: %s: %llu %s x %llu features, %llu nonzeros, ",
                cli_prog, name, (unsigned long long)m.rows, what, (unsigned long long)m.cols,
                (unsigned long long)m.nnz);
        if (align_path)
            fprintf(stderr, "%llu aligned %s without features, %llu file %s "
                    "not in the matrix (dropped), ", (unsigned long long)st.missing, what,
                    (unsigned long long)st.dropped, what);
        fprintf(stderr, "%llu lines skipped, %.2f s\n", (unsigned long long)st.skipped,
                cli_now() - t0);
    }
    trec_csr_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    cli_prog = "trec-ingest";
    trec_ingest_opts o;
    trec_features_opts fo;
    trec_ingest_opts_init(&o);
    trec_features_opts_init(&fo);
    const char *out = NULL, *align = NULL;
    int quiet = 0, features = 0, item_features = 0, user_features = 0, c;
    int ratings_only = 0, features_only = 0, new_ids = 0;
    while ((c = getopt_long(argc, argv, "o:qvfhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case OPT_SEP: o.sep = fo.sep = optarg; break;
        case OPT_QUOTE: o.quote = fo.quote = optarg; break;
        case OPT_HEADER: o.header = fo.header = 1; break;
        case OPT_NO_HEADER: o.header = fo.header = 0; break;
        case OPT_USER: o.user_col = optarg; ratings_only = 1; break;
        case OPT_ITEM: o.item_col = optarg; ratings_only = 1; break;
        case OPT_RATING: o.rating_col = optarg; ratings_only = 1; break;
        case OPT_TIME: o.time_col = optarg; ratings_only = 1; break;
        case OPT_DUPS:
            if (trec_dup_policy_parse(optarg, &o.duplicates) != 0)
                cli_usage_error("--duplicates: expected last, max, sum or error", optarg);
            ratings_only = 1;
            break;
        case OPT_SKIP: o.skip_bad = fo.skip_bad = 1; break;
        case OPT_THREADS:
            o.threads = (int)cli_parse_int("--threads", optarg, 1, 1024);
            break;
        case OPT_BLOCK:
            o.block_size = fo.block_size =
                (size_t)cli_parse_int("--block-size", optarg, 1, 1ll << 40);
            break;
        case OPT_FEATURES: features = item_features = 1; break;
        case OPT_USER_FEATURES: features = user_features = 1; break;
        case OPT_ALIGN: align = optarg; break;
        case OPT_NEW_IDS:
            if (trec_new_ids_parse(optarg, &o.new_ids) != 0)
                cli_usage_error("--new-ids: expected append, drop or error", optarg);
            new_ids = 1;
            break;
        case OPT_IDCOL: fo.id_col = optarg; features_only = 1; break;
        case OPT_FCOL: fo.feature_col = optarg; features_only = 1; break;
        case OPT_FSEP: fo.feature_sep = optarg; features_only = 1; break;
        case OPT_FFLAGS: fo.feature_flags = optarg; features_only = 1; break;
        case OPT_FVALUE: fo.feature_value = optarg; features_only = 1; break;
        case OPT_REPEATED:
            if (strcmp(optarg, "merge") == 0)
                fo.merge_ids = 1;
            else if (strcmp(optarg, "error") != 0)
                cli_usage_error("--repeated-ids: expected merge or error", optarg);
            features_only = 1;
            break;
        case 'q': quiet = 1; break;
        case 'v': flags.verbose = 1; break;
        case OPT_JSON: flags.json = 1; break;
        case OPT_PRETTY: flags.json = flags.pretty = 1; break;
        case 'f': flags.force = 1; break;
        case 'h': usage(); break;
        case 'V': cli_version(); break;
        default: cli_usage_error("unknown option", NULL);
        }
    }
    if (optind >= argc)
        cli_usage_error("no input file (use - for standard input)", NULL);
    if (optind + 1 < argc)
        cli_usage_error("more than one input file", argv[optind + 1]);
    if (!out)
        cli_usage_error("no output file: give -o FILE (- for standard output)", NULL);
    if (flags.json && strcmp(out, "-") == 0)
        cli_usage_error("--json prints on standard output, which -o - already uses", NULL);
    if (quiet && flags.verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    cli_refuse_binary_tty(out, flags.force, "a matrix");
    if (item_features && user_features)
        cli_usage_error("--item-features and --user-features exclude each other", NULL);
    if (features && ratings_only)
        cli_usage_error("--user-col, --item-col, --rating-col, --time-col and "
                        "--duplicates are for ratings, not for features", NULL);
    if (!features && features_only)
        cli_usage_error("--id-col, --feature-col, --feature-sep, --feature-flags, "
                        "--feature-value and --repeated-ids need --item-features or "
                        "--user-features", NULL);
    if (new_ids && (features || !align))
        cli_usage_error("--new-ids goes with --align, for ratings", NULL);
    if (user_features) {
        /* MovieLens has no standard user file: say which column to use. */
        if (!fo.feature_col && !fo.feature_flags)
            cli_usage_error("--user-features needs --feature-col COL (or --feature-flags)",
                            NULL);
        if (!fo.id_col)
            fo.id_col = "userId";
    }
    /* Option values that are wrong whatever the input: usage errors. */
    trec_error err;
    if ((features ? trec_features_opts_check(&fo, &err) : trec_ingest_opts_check(&o, &err)) != 0)
        cli_usage_error(err.msg, NULL);
    const char *in = argv[optind];
    return features ? run_features(in, out, align, &fo, user_features, quiet)
                    : run_ratings(in, out, align, &o, quiet);
}
