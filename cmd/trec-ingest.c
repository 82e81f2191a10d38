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

typedef struct options {
    trec_ingest_opts ratings;       /* the ratings' options */
    trec_features_opts features;    /* the features' options */
    const char *in, *out, *align;
    int quiet, verbose, json, pretty, force;  /* -q, -v, --json, --pretty, -f */
    int item_features, user_features;         /* --item-features, --user-features */
    int ratings_only, features_only, new_ids; /* options given of one kind only */
} options;

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

/* One option (long options and their short forms), into o. */
static void set_option(options *o, int c, const char *arg)
{
    trec_ingest_opts *ro = &o->ratings;
    trec_features_opts *fo = &o->features;
    switch (c) {
    case 'o': o->out = arg; break;
    case OPT_SEP: ro->sep = fo->sep = arg; break;
    case OPT_QUOTE: ro->quote = fo->quote = arg; break;
    case OPT_HEADER: ro->header = fo->header = 1; break;
    case OPT_NO_HEADER: ro->header = fo->header = 0; break;
    case OPT_USER: ro->user_col = arg; o->ratings_only = 1; break;
    case OPT_ITEM: ro->item_col = arg; o->ratings_only = 1; break;
    case OPT_RATING: ro->rating_col = arg; o->ratings_only = 1; break;
    case OPT_TIME: ro->time_col = arg; o->ratings_only = 1; break;
    case OPT_DUPS:
        if (trec_dup_policy_parse(arg, &ro->duplicates) != 0)
            cli_usage_error("--duplicates: expected last, max, sum or error", arg);
        o->ratings_only = 1;
        break;
    case OPT_SKIP: ro->skip_bad = fo->skip_bad = 1; break;
    case OPT_THREADS:
        ro->threads = (int)cli_parse_int("--threads", arg, 1, 1024);
        break;
    case OPT_BLOCK:
        ro->block_size = fo->block_size =
            (size_t)cli_parse_int("--block-size", arg, 1, 1ll << 40);
        break;
    case OPT_FEATURES: o->item_features = 1; break;
    case OPT_USER_FEATURES: o->user_features = 1; break;
    case OPT_ALIGN: o->align = arg; break;
    case OPT_NEW_IDS:
        if (trec_new_ids_parse(arg, &ro->new_ids) != 0)
            cli_usage_error("--new-ids: expected append, drop or error", arg);
        o->new_ids = 1;
        break;
    case OPT_IDCOL: fo->id_col = arg; o->features_only = 1; break;
    case OPT_FCOL: fo->feature_col = arg; o->features_only = 1; break;
    case OPT_FSEP: fo->feature_sep = arg; o->features_only = 1; break;
    case OPT_FFLAGS: fo->feature_flags = arg; o->features_only = 1; break;
    case OPT_FVALUE: fo->feature_value = arg; o->features_only = 1; break;
    case OPT_REPEATED:
        if (strcmp(arg, "merge") == 0)
            fo->merge_ids = 1;
        else if (strcmp(arg, "error") != 0)
            cli_usage_error("--repeated-ids: expected merge or error", arg);
        o->features_only = 1;
        break;
    case 'q': o->quiet = 1; break;
    case 'v': o->verbose = 1; break;
    case OPT_JSON: o->json = 1; break;
    case OPT_PRETTY: o->json = o->pretty = 1; break;
    case 'f': o->force = 1; break;
    case 'h': usage(); break;
    case 'V': cli_version(); break;
    default: cli_usage_error("unknown option", NULL);
    }
}

/* Combinations, and option values wrong whatever the input: usage errors. */
static void check_args(options *o, int argc, char **argv)
{
    int features = o->item_features || o->user_features;
    if (optind >= argc)
        cli_usage_error("no input file (use - for standard input)", NULL);
    if (optind + 1 < argc)
        cli_usage_error("more than one input file", argv[optind + 1]);
    if (!o->out)
        cli_usage_error("no output file: give -o FILE (- for standard output)", NULL);
    if (o->json && strcmp(o->out, "-") == 0)
        cli_usage_error("--json prints on standard output, which -o - already uses", NULL);
    if (o->quiet && o->verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    cli_refuse_binary_tty(o->out, o->force, "a matrix");
    if (o->item_features && o->user_features)
        cli_usage_error("--item-features and --user-features exclude each other", NULL);
    if (features && o->ratings_only)
        cli_usage_error("--user-col, --item-col, --rating-col, --time-col and "
                        "--duplicates are for ratings, not for features", NULL);
    if (!features && o->features_only)
        cli_usage_error("--id-col, --feature-col, --feature-sep, --feature-flags, "
                        "--feature-value and --repeated-ids need --item-features or "
                        "--user-features", NULL);
    if (o->new_ids && (features || !o->align))
        cli_usage_error("--new-ids goes with --align, for ratings", NULL);
    if (o->user_features) {
        /* MovieLens has no standard user file: say which column to use. */
        if (!o->features.feature_col && !o->features.feature_flags)
            cli_usage_error("--user-features needs --feature-col COL (or --feature-flags)",
                            NULL);
        if (!o->features.id_col)
            o->features.id_col = "userId";
    }
    trec_error err;
    if ((features ? trec_features_opts_check(&o->features, &err)
                  : trec_ingest_opts_check(&o->ratings, &err)) != 0)
        cli_usage_error(err.msg, NULL);
    o->in = argv[optind];
}

static void parse_args(options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    trec_ingest_opts_init(&o->ratings);
    trec_features_opts_init(&o->features);
    int c;
    while ((c = getopt_long(argc, argv, "o:qvfhV", longopts, NULL)) != -1)
        set_option(o, c, optarg);
    check_args(o, argc, argv);
}

/* ---- run: read the input, write the matrix ---- */

typedef struct run {
    options *o;
    trec_csr m;
    trec_ingest_stats st;           /* ratings */
    trec_features_stats fst;        /* features */
    double t0, t_read;
} run;

static void print_warnings(char (*w)[600], int n, uint64_t skipped, const char *name)
{
    for (int i = 0; i < n; i++)
        fprintf(stderr, "%s: warning: skipped %s\n", cli_prog, w[i]);
    if (skipped > (uint64_t)n)
        fprintf(stderr, "%s: warning: %s: %llu more bad lines skipped\n", cli_prog,
                name, (unsigned long long)(skipped - (uint64_t)n));
}

static void ingest_ratings(run *r)
{
    options *o = r->o;
    int quiet = o->quiet;
    trec_error err;
    trec_reference ref;
    memset(&ref, 0, sizeof ref);
    if (o->align) {
        if (trec_reference_read(o->align, &ref, &err) != 0)
            cli_fail(&err);
        o->ratings.align_users = &ref.users;
        o->ratings.align_items = &ref.items;
    }
    cli_step(quiet, "reading %s", trec_display_name(o->in));
    int rc = trec_ingest_ratings(o->in, &o->ratings, &r->m, &r->st, &err);
    trec_reference_free(&ref);
    cli_step(quiet, "writing %s", trec_display_name(o->out));
    if (rc != 0) {
        cli_step_end(quiet);
        /* Skipped lines say why nothing was left (--skip-bad on all-bad input). */
        if (!quiet)
            print_warnings(r->st.warnings, r->st.nwarnings, r->st.skipped,
                           trec_display_name(o->in));
        cli_fail(&err);
    }
    r->t_read = cli_now();
    if (trec_csr_write(o->out, &r->m, &err) != 0) {
        trec_csr_free(&r->m);
        cli_step_end(quiet);
        cli_fail(&err);
    }
    cli_step_end(quiet);
}

/* Item features align to a matrix's columns (items), user features to its
 * rows (users). */
static void ingest_features(run *r)
{
    const options *o = r->o;
    int users = o->user_features;
    const char *one = users ? "user" : "item";
    trec_error err;
    trec_csr al;
    memset(&al, 0, sizeof al);
    if (o->align) {
        if (trec_csr_read(o->align, &al, &err) != 0)
            cli_fail(&err);
        const trec_labels *l = users ? &al.row_labels : &al.col_labels;
        if (l->count == 0 && (users ? al.rows : al.cols) > 0)
            cli_die(1, "%s: the matrix has no %s labels (raw %s ids) to align to",
                    trec_display_name(o->align), users ? "row" : "column", one);
    }
    const trec_labels *align = !o->align ? NULL : users ? &al.row_labels : &al.col_labels;
    if (trec_item_features(o->in, &o->features, align, &r->m, &r->fst, &err) != 0) {
        trec_csr_free(&al);
        if (!o->quiet)
            print_warnings(r->fst.warnings, r->fst.nwarnings, r->fst.skipped,
                           trec_display_name(o->in));
        cli_fail(&err);
    }
    trec_csr_free(&al);
    r->t_read = cli_now();
    if (trec_csr_write(o->out, &r->m, &err) != 0) {
        trec_csr_free(&r->m);
        cli_fail(&err);
    }
}

/* ---- print: the summary ---- */

/* The summary as JSON on stdout (--json); the object is consumed. */
static void print_summary_json(const run *r, cJSON *j)
{
    const options *o = r->o;
    cJSON_AddNumberToObject(j, "seconds", round((cli_now() - r->t0) * 1000) / 1000);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "tool", cli_prog);
    cJSON_AddStringToObject(doc, "input", trec_display_name(o->in));
    cJSON_AddStringToObject(doc, "output", o->out);
    cJSON *it;
    while ((it = j->child)) {
        cJSON_DetachItemViaPointer(j, it);
        cJSON_AddItemToObject(doc, it->string, it);
    }
    cJSON_Delete(j);
    cli_print_json(stdout, doc, o->pretty);
    cJSON_Delete(doc);
}

static void verbose_times(const run *r)
{
    if (r->o->verbose)
        fprintf(stderr, "%s: read %.2f s, wrote %.2f s\n", cli_prog, r->t_read - r->t0,
                cli_now() - r->t_read);
}

static void print_ratings(run *r)
{
    const options *o = r->o;
    const trec_csr *m = &r->m;
    trec_ingest_stats *st = &r->st;
    verbose_times(r);
    const char *name = trec_display_name(o->in);
    if (o->json) {
        if (!o->quiet)
            print_warnings(st->warnings, st->nwarnings, st->skipped, name);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", "ratings");
        cJSON_AddNumberToObject(j, "users", (double)m->rows);
        cJSON_AddNumberToObject(j, "items", (double)m->cols);
        cJSON_AddNumberToObject(j, st->implicit ? "interactions" : "ratings", (double)m->nnz);
        cJSON_AddNumberToObject(j, "duplicates_merged", (double)st->duplicates);
        cJSON_AddNumberToObject(j, "lines_skipped", (double)st->skipped);
        print_summary_json(r, j);
    } else if (!o->quiet) {
        print_warnings(st->warnings, st->nwarnings, st->skipped, name);
        double density = (double)m->nnz / ((double)m->rows * (double)m->cols);
        fprintf(stderr, "%s: %s: %llu users, %llu items, %llu %s (density %.4g%%), "
                "%llu duplicates merged, %llu lines skipped, %.2f s\n", cli_prog, name,
                (unsigned long long)m->rows, (unsigned long long)m->cols,
                (unsigned long long)m->nnz, st->implicit ? "interactions" : "ratings",
                100.0 * density, (unsigned long long)st->duplicates,
                (unsigned long long)st->skipped, cli_now() - r->t0);
        if (o->align)
            fprintf(stderr, "%s: aligned to %s: %llu new users, %llu new items %s "
                    "(%llu entries dropped)\n", cli_prog, trec_display_name(o->align),
                    (unsigned long long)st->new_users, (unsigned long long)st->new_items,
                    o->ratings.new_ids == TREC_NEW_IDS_DROP ? "dropped" : "appended",
                    (unsigned long long)st->dropped_entries);
    }
}

static void print_features(run *r)
{
    const options *o = r->o;
    const trec_csr *m = &r->m;
    trec_features_stats *st = &r->fst;
    const char *what = o->user_features ? "users" : "items";
    verbose_times(r);
    const char *name = trec_display_name(o->in);
    if (o->json) {
        if (!o->quiet)
            print_warnings(st->warnings, st->nwarnings, st->skipped, name);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kind", o->user_features ? "user-features" : "item-features");
        cJSON_AddNumberToObject(j, what, (double)m->rows);
        cJSON_AddNumberToObject(j, "features", (double)m->cols);
        cJSON_AddNumberToObject(j, "nonzeros", (double)m->nnz);
        if (o->align) {
            cJSON_AddNumberToObject(j, "aligned_without_features", (double)st->missing);
            cJSON_AddNumberToObject(j, "dropped", (double)st->dropped);
        }
        cJSON_AddNumberToObject(j, "lines_skipped", (double)st->skipped);
        print_summary_json(r, j);
    } else if (!o->quiet) {
        print_warnings(st->warnings, st->nwarnings, st->skipped, name);
        fprintf(stderr, "%s: %s: %llu %s x %llu features, %llu nonzeros, ",
                cli_prog, name, (unsigned long long)m->rows, what, (unsigned long long)m->cols,
                (unsigned long long)m->nnz);
        if (o->align)
            fprintf(stderr, "%llu aligned %s without features, %llu file %s "
                    "not in the matrix (dropped), ", (unsigned long long)st->missing, what,
                    (unsigned long long)st->dropped, what);
        fprintf(stderr, "%llu lines skipped, %.2f s\n", (unsigned long long)st->skipped,
                cli_now() - r->t0);
    }
}

int main(int argc, char **argv)
{
    cli_prog = "trec-ingest";
    options o;
    parse_args(&o, argc, argv);
    run r = {.o = &o, .t0 = cli_now()};
    if (o.item_features || o.user_features) {
        ingest_features(&r);
        print_features(&r);
    } else {
        ingest_ratings(&r);
        print_ratings(&r);
    }
    trec_csr_free(&r.m);
    return 0;
}
