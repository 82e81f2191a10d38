/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-eval - ranking metrics at K (recall, precision, NDCG, F1, MAP, MRR,
 * hit rate, coverage) and AUC of a model on test (and train) interactions,
 * next to the most-popular and random baselines, or of a baseline alone
 * (see trec-eval(1)). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"
#include "cli_outputs.h"

#define MAX_KS 64
#define MAX_THREADS 8
#define MAX_GATES 64
/* The exit status of a run whose quality gate failed (1: error, 2: usage). */
#define EXIT_GATE 3

static void usage(void)
{
    printf("Usage: %s MODEL --test TEST [--train TRAIN] [-k K[,K...]] [--min-rating R]\n"
           "                 [--standard | --exclude-train --gain exp|binary] [--metrics LIST]\n"
           "                 [--json|--tsv] [--per-user FILE] [--fail-below METRIC@K=V]...\n"
           "                 [--fail-below-baseline RANKER]... [--history FILE]\n"
           "                 [-o OUT] [--threads N] [-q|-v]\n"
           "       %s --baseline most-popular|random --train TRAIN --test TEST [...]\n"
           "Ranking metrics of MODEL on the TEST matrix (and on TRAIN when given),\n"
           "averaged over the users with a positive, next to the most-popular (needs\n"
           "--train) and random baselines; or of a baseline alone (--baseline).\n"
           "\n"
           "  --test FILE        test interactions (matrix file with the model's users and items)\n"
           "  --train FILE       training interactions: also evaluated, and the source of the\n"
           "                     most-popular baseline and of --exclude-train\n"
           "  -k, --k LIST       cut-offs, comma-separated (default 10)\n"
           "  --metrics LIST     recall, precision, ndcg, f1, map, mrr, hit-rate, coverage,\n"
           "                     auc, comma-separated, or all (default: the first four)\n"
           "  --min-rating R     positives are entries >= R (default: the model's own\n"
           "                     --min-rating, from its META, else every entry)\n"
           "  --standard         the standard convention: --exclude-train --gain binary\n"
           "  --exclude-train    rank, for the test split, only the items a user has not in\n"
           "                     TRAIN (LightFM's train_interactions); default: rank all items\n"
           "                     (the walkthrough's TensorRec convention)\n"
           "  --gain G           NDCG gain: exp (2^rating - 1, TensorRec; default) or binary\n"
           "  --baseline B       no MODEL: evaluate most-popular or random alone\n"
           "  --json             JSON instead of the table (one line; --pretty: indented)\n"
           "  --tsv              TSV lines split, ranking, ranker, metric@K, value\n"
           "  --per-user FILE    the model's per-user values as TSV\n"
           "  --no-header        no header line in --tsv and --per-user output\n"
           "  --fail-below METRIC@K=V  quality gate: exit 3 when the model's test METRIC@K\n"
           "                     is below V (repeatable; e.g. recall@10=0.15; any\n"
           "                     reported metric; auc=V: AUC has no @K)\n"
           "  --fail-below-baseline RANKER[:METRIC@K]  quality gate: exit 3 unless the\n"
           "                     model beats RANKER (most-popular, random) on the test\n"
           "                     split (default metric: recall at every K)\n"
           "  --history FILE     append this run as one TSV row to FILE (locked; header\n"
           "                     written once); trec-report plots it\n"
           "  --fold-in          score users from their TRAIN rows through the model's\n"
           "                     fold-in, not from their fitted representations\n"
           "  -o, --output OUT   write the report to OUT (atomically) instead of stdout\n"
           "  --threads N        worker threads (default: online cores, at most %d); the\n"
           "                     output does not depend on N\n"
           "  -q, --quiet        no summary line on stderr\n"
           "  -v, --verbose      also the time of each step on stderr\n"
           "  -h, --help         this help\n"
           "  -V, --version      version\n"
           "See 'man trec-eval'.\n",
           cli_prog, cli_prog, MAX_THREADS);
    exit(0);
}

enum { R_MODEL, R_POPULAR, R_RANDOM, N_RANKERS };
static const char *const ranker_names[N_RANKERS] = {"model", "most-popular", "random"};

typedef struct options {
    cli_common c;                /* -o, --threads, -q */
    const char *model, *test, *train, *per_user;
    uint32_t ks[MAX_KS];
    int nk;
    int has_min_rating;
    double min_rating;
    int exclude_train, tsv, gain, standard, gain_given, fold_in;
    int metrics[TREC_N_METRICS]; /* the metrics reported, in this order */
    int nmetrics;
    int baseline;                /* --baseline: R_POPULAR or R_RANDOM; else R_MODEL */
    trec_gate gates[MAX_GATES];  /* --fail-below, --fail-below-baseline */
    int ngates;
    const char *history;         /* --history */
    cli_output print;            /* --json, --pretty, --no-header, -v */
} options;

/* --metrics: names, comma-separated, or "all". */
static void parse_metrics(options *o, const char *arg)
{
    o->nmetrics = 0;
    if (strcmp(arg, "all") == 0) {
        for (int i = 0; i < TREC_N_METRICS; i++)
            o->metrics[o->nmetrics++] = i;
        return;
    }
    char *copy = strdup(arg), *save = NULL;
    if (!copy)
        cli_die(1, "out of memory");
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int m = trec_metric_from_name(t);
        if (m < 0)
            cli_usage_error("--metrics: unknown metric (recall, precision, ndcg, f1, map, "
                            "mrr, hit-rate, coverage, auc, or all)", t);
        for (int i = 0; i < o->nmetrics; i++)
            if (o->metrics[i] == m)
                cli_usage_error("--metrics: metric given twice", t);
        o->metrics[o->nmetrics++] = m;
    }
    free(copy);
    if (o->nmetrics == 0)
        cli_usage_error("--metrics wants a comma-separated list of metrics", arg);
}

static int wants(const options *o, int metric)
{
    for (int i = 0; i < o->nmetrics; i++)
        if (o->metrics[i] == metric)
            return 1;
    return 0;
}

/* The report's columns: each cut-off's metrics (AUC once, with the first). */
typedef struct column {
    int metric, k;               /* k: index into ks */
    char label[40];
} column;

static int columns(const options *o, column *out)
{
    int n = 0;
    for (int k = 0; k < o->nk; k++)
        for (int i = 0; i < o->nmetrics; i++) {
            if (o->metrics[i] == TREC_AUC && k > 0)
                continue;
            out[n] = (column){.metric = o->metrics[i], .k = k};
            trec_metric_label(o->metrics[i], o->ks[k], out[n].label, sizeof out[n].label);
            n++;
        }
    return n;
}

static double value_of(const double *v, const column *c)
{
    return v[c->k * TREC_N_METRICS + c->metric];
}

static void parse_ks(options *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    if (!copy)
        cli_die(1, "out of memory");
    o->nk = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (o->nk == MAX_KS)
            cli_usage_error("too many cut-offs in -k (at most 64)", arg);
        uint32_t k = (uint32_t)cli_parse_int("-k", t, 1, 1000000000);
        for (int i = 0; i < o->nk; i++)
            if (o->ks[i] == k)
                cli_usage_error("cut-off given twice in -k", arg);
        o->ks[o->nk++] = k;
    }
    if (o->nk == 0 || arg[strlen(arg) - 1] == ',' || arg[0] == ',' || strstr(arg, ",,"))
        cli_usage_error("-k wants a comma-separated list of integers", arg);
    free(copy);
}

enum { OPT_TEST = 256, OPT_TRAIN, OPT_MIN_RATING, OPT_EXCLUDE_TRAIN, OPT_GAIN,
       OPT_TSV, OPT_PER_USER, OPT_STANDARD, OPT_METRICS, OPT_BASELINE,
       OPT_FOLD_IN, OPT_FAIL_BELOW, OPT_FAIL_BASELINE, OPT_HISTORY };

static void add_gate(options *o, const char *arg, int baseline)
{
    trec_error err;
    if (o->ngates == MAX_GATES)
        cli_usage_error("too many quality gates (at most 64)", arg);
    trec_gate *g = &o->gates[o->ngates++];
    if ((baseline ? trec_gate_parse_baseline(g, arg, &err) : trec_gate_parse_min(g, arg, &err)))
        cli_usage_error(err.msg, NULL);
}

/* Gates and the history (after check_args). */
static void check_ops_args(options *o)
{
    if (o->print.verbose && o->c.quiet)
        cli_usage_error("-q and -v exclude each other", NULL);
    if (o->history && strcmp(o->history, "-") == 0)
        cli_usage_error("--history wants a file (rows are appended to it)", NULL);
    if ((o->ngates || o->history) && o->baseline != R_MODEL)
        cli_usage_error("--fail-below, --fail-below-baseline and --history judge a model: "
                        "not with --baseline", NULL);
    /* gates must name reported metrics, evaluated cut-offs and available baselines */
    for (int g = 0; g < o->ngates; g++) {
        int found = 0;
        for (int i = 0; i < o->nmetrics; i++)
            found |= o->metrics[i] == o->gates[g].metric;
        if (!found)
            cli_usage_error("a quality gate names a metric not reported: add it to --metrics",
                            trec_metric_names[o->gates[g].metric]);
    }
    const char *bases[2] = {"random", "most-popular"};
    trec_eval_config cfg = {.ks = o->ks, .nk = o->nk};
    trec_error err;
    if (trec_gate_validate(o->gates, o->ngates, &cfg, bases, o->train ? 2 : 1, &err) != 0) {
        if (!o->train && strstr(err.msg, "'most-popular'"))
            cli_usage_error("--fail-below-baseline most-popular needs --train FILE", NULL);
        cli_usage_error(err.msg, NULL);
    }
}

static void check_args(options *o, int argc, char **argv)
{
    if (o->baseline != R_MODEL && argc > optind)
        cli_usage_error("--baseline evaluates a baseline alone: no MODEL", argv[optind]);
    if (o->baseline == R_MODEL && optind == argc)
        cli_usage_error("missing MODEL", NULL);
    if (argc - optind > 1)
        cli_usage_error("one MODEL only; unexpected argument", argv[optind + 1]);
    o->model = o->baseline == R_MODEL ? argv[optind] : NULL;
    if (!o->test)
        cli_usage_error("missing --test FILE", NULL);
    if (o->standard && o->gain_given && o->gain != TREC_GAIN_BINARY)
        cli_usage_error("--standard uses the binary gain: not with --gain exp", NULL);
    if (o->standard)
        o->exclude_train = 1, o->gain = TREC_GAIN_BINARY;
    if (o->exclude_train && !o->train)
        cli_usage_error(o->standard ? "--standard needs --train FILE (its items are left "
                                      "out of the rankings)"
                                    : "--exclude-train needs --train FILE", NULL);
    if (o->baseline == R_POPULAR && !o->train)
        cli_usage_error("--baseline most-popular needs --train FILE", NULL);
    if (o->fold_in && !o->train)
        cli_usage_error("--fold-in needs --train FILE (the histories to fold in)", NULL);
    if (o->fold_in && o->baseline != R_MODEL)
        cli_usage_error("--fold-in folds in a model's users: not with --baseline", NULL);
    if (o->print.json && o->tsv)
        cli_usage_error("--json and --tsv exclude each other", NULL);
    if (o->per_user && o->baseline != R_MODEL)
        cli_usage_error("--per-user reports a model's users: not with --baseline", NULL);
    /* --history - has its own message (check_ops_args) */
    const char *hist = o->history && strcmp(o->history, "-") != 0 ? o->history : NULL;
    const char *outs[3] = {o->c.out, o->per_user, hist};
    const char *opts[3] = {"-o", "--per-user", "--history"};
    cli_check_outputs(3, opts, outs);
}

static void parse_args(options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"test", required_argument, 0, OPT_TEST},
        {"train", required_argument, 0, OPT_TRAIN},
        {"k", required_argument, 0, 'k'},
        {"min-rating", required_argument, 0, OPT_MIN_RATING},
        {"exclude-train", no_argument, 0, OPT_EXCLUDE_TRAIN},
        {"gain", required_argument, 0, OPT_GAIN},
        {"tsv", no_argument, 0, OPT_TSV},
        {"per-user", required_argument, 0, OPT_PER_USER},
        {"standard", no_argument, 0, OPT_STANDARD},
        {"metrics", required_argument, 0, OPT_METRICS},
        {"baseline", required_argument, 0, OPT_BASELINE},
        {"fold-in", no_argument, 0, OPT_FOLD_IN},
        {"fail-below", required_argument, 0, OPT_FAIL_BELOW},
        {"fail-below-baseline", required_argument, 0, OPT_FAIL_BASELINE},
        {"history", required_argument, 0, OPT_HISTORY},
        CLI_OUTPUT_LONGOPTS,
        CLI_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    cli_common_init(&o->c);
    o->ks[0] = 10;
    o->nk = 1;
    for (int i = 0; i < TREC_N_CLASSIC_METRICS; i++)
        o->metrics[o->nmetrics++] = i;
    int c;
    while ((c = getopt_long(argc, argv, "k:" CLI_OUTPUT_SHORTOPTS CLI_COMMON_SHORTOPTS, longopts,
                            NULL)) != -1) {
        if (cli_common_option(c, optarg, &o->c, usage) || cli_output_option(c, &o->print))
            continue;
        switch (c) {
        case OPT_TEST: o->test = optarg; break;
        case OPT_TRAIN: o->train = optarg; break;
        case 'k': parse_ks(o, optarg); break;
        case OPT_MIN_RATING:
            o->has_min_rating = 1;
            o->min_rating = cli_parse_double("--min-rating", optarg, -1e300, 1e300);
            break;
        case OPT_EXCLUDE_TRAIN: o->exclude_train = 1; break;
        case OPT_GAIN:
            o->gain_given = 1;
            if (strcmp(optarg, "exp") == 0)
                o->gain = TREC_GAIN_EXP;
            else if (strcmp(optarg, "binary") == 0)
                o->gain = TREC_GAIN_BINARY;
            else
                cli_usage_error("--gain must be exp or binary", optarg);
            break;
        case OPT_TSV: o->tsv = 1; break;
        case OPT_PER_USER: o->per_user = optarg; break;
        case OPT_STANDARD: o->standard = 1; break;
        case OPT_METRICS: parse_metrics(o, optarg); break;
        case OPT_BASELINE:
            if (strcmp(optarg, "most-popular") == 0)
                o->baseline = R_POPULAR;
            else if (strcmp(optarg, "random") == 0)
                o->baseline = R_RANDOM;
            else
                cli_usage_error("--baseline must be most-popular or random", optarg);
            break;
        case OPT_FOLD_IN: o->fold_in = 1; break;
        case OPT_FAIL_BELOW: add_gate(o, optarg, 0); break;
        case OPT_FAIL_BASELINE: add_gate(o, optarg, 1); break;
        case OPT_HISTORY: o->history = optarg; break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    check_args(o, argc, argv);
    check_ops_args(o);
}

/* ---- evaluation ---- */

typedef struct split {
    const char *name, *file;
    int exclude;                 /* ranking leaves out the user's train items */
    trec_csr file_m;             /* as read */
    trec_csr m;                  /* matched to the model's users and items */
    trec_positives pos;
    trec_eval_result res[N_RANKERS];
    int have[N_RANKERS];
} split;

typedef struct run {
    options *o;
    trec_model model;            /* --baseline: the shape and labels of TRAIN only */
    int min_rating_from_meta;    /* --min-rating taken from the model's META */
    trec_eval_config cfg;
    split splits[2];
    int nsplits;
    trec_csr *train;             /* splits[1].m when given */
    trec_scorer scorer;
    trec_csr histories;          /* --fold-in: the weighted train rows */
    trec_topk_lists all, excl;   /* model top-K: all items / minus train */
    uint32_t *pop_order;
} run;

static uint32_t max_k(const options *o)
{
    uint32_t m = 0;
    for (int i = 0; i < o->nk; i++)
        m = o->ks[i] > m ? o->ks[i] : m;
    return m;
}

/* The model's own --min-rating (META "min_rating"), when it has one. */
static int meta_min_rating(const trec_model *m, double *r)
{
    cJSON *root = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "min_rating");
    int ok = cJSON_IsNumber(v);
    if (ok)
        *r = v->valuedouble;
    cJSON_Delete(root);
    return ok;
}

/* The model, or for --baseline the shape and labels of TRAIN (no arrays). */
static void load_model(run *r, trec_csr *train)
{
    trec_error err;
    options *o = r->o;
    if (o->baseline != R_MODEL) {
        r->model.n_users = train->rows;
        r->model.n_items = train->cols;
        r->model.user_labels = train->row_labels;
        r->model.item_labels = train->col_labels;
        return;
    }
    if (trec_model_map(o->model, &r->model, &err) != 0)
        cli_fail(&err);
    if (!o->has_min_rating && meta_min_rating(&r->model, &o->min_rating))
        o->has_min_rating = r->min_rating_from_meta = 1;
}

static void load(run *r)
{
    trec_error err;
    options *o = r->o;
    r->splits[0] = (split){.name = "test", .file = o->test, .exclude = o->exclude_train};
    r->nsplits = 1;
    if (o->train) {
        /* Train items cannot be left out of their own ranking: the train split
         * is always ranked over all items. */
        r->splits[1] = (split){.name = "train", .file = o->train};
        r->nsplits = 2;
        if (trec_csr_read(o->train, &r->splits[1].file_m, &err) != 0)
            cli_fail(&err);
    }
    if (trec_csr_read(o->test, &r->splits[0].file_m, &err) != 0)
        cli_fail(&err);
    /* a baseline alone takes the users and items of TRAIN (else TEST) */
    load_model(r, &r->splits[o->train ? 1 : 0].file_m);
    r->cfg = (trec_eval_config){.ks = o->ks, .nk = o->nk, .has_min_rating = o->has_min_rating,
                                .min_rating = o->min_rating, .gain = o->gain};
    const char *mname = trec_display_name(o->model ? o->model : o->train ? o->train : o->test);
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        /* Matched by ids: what the model does not know is skipped (counted). */
        trec_align_stats as;
        const char *sname = trec_display_name(sp->file);
        if (trec_csr_align(&sp->file_m, sname, &r->model.user_labels, r->model.n_users,
                           &r->model.item_labels, r->model.n_items, mname, &sp->m, &as,
                           &err) != 0)
            cli_fail(&err);
        if (!o->c.quiet)
            cli_align_warning(sname, mname, &as);
        if (trec_positives_from_csr(&sp->pos, &sp->m, trec_display_name(sp->file), &r->cfg,
                                    &err) != 0)
            cli_fail(&err);
    }
    r->train = o->train ? &r->splits[1].m : NULL;
}

/* LightFM refuses test positives that are also training entries when it
 * leaves training items out: they could never be retrieved. So do we. */
static void check_overlap(run *r)
{
    uint64_t u;
    uint32_t i;
    trec_error err;
    uint64_t n = trec_positives_overlap(&r->splits[0].pos, r->train, &u, &i);
    if (n && trec_overlap_error(&err, n, u, i, &r->model.user_labels, &r->model.item_labels,
                                trec_display_name(r->o->test),
                                trec_display_name(r->o->train)) != 0)
        cli_fail(&err);
}

/* The model's users, or with --fold-in users made from their train rows
 * (weighted as the model's training was) through the model's fold-in. */
static void make_scorer(run *r)
{
    trec_error err;
    if (!r->o->fold_in) {
        if (trec_scorer_for_users(&r->scorer, &r->model, &err) != 0)
            cli_fail(&err);
        return;
    }
    if (trec_history_from_csr(&r->histories, r->train, &err) != 0)
        cli_fail(&err);
    trec_history_weigh(&r->histories, &r->model, 1);
    if (trec_scorer_for_histories(&r->scorer, &r->model, &r->histories, &err) != 0)
        cli_fail(&err);
}

static void rank_model(run *r)
{
    trec_error err;
    options *o = r->o;
    if (o->baseline != R_MODEL)
        return;
    make_scorer(r);
    /* one list per user, all items (walkthrough convention, and the train
     * split) and/or minus the user's train items (--exclude-train) */
    int need_all = !o->exclude_train || o->train;
    const trec_csr *excl[1] = {r->train};
    trec_topk_request req = {.scorer = &r->scorer, .n_queries = r->model.n_users,
                             .k = max_k(o), .threads = o->c.threads};
    if (need_all && trec_topk_run(&req, &r->all, &err) != 0)
        cli_fail(&err);
    req.exclude = excl;
    req.n_exclude = 1;
    if (o->exclude_train && trec_topk_run(&req, &r->excl, &err) != 0)
        cli_fail(&err);
    uint64_t bad = trec_topk_lists_nonfinite(&r->all) + trec_topk_lists_nonfinite(&r->excl);
    if (bad && !o->c.quiet) /* evaluated all the same: the rankings are the model's */
        fprintf(stderr, "%s: warning: %s: %llu ranked score%s overflowed single precision "
                "(inf, or -inf for NaN): the model's weights are too large; among them items "
                "are in id order, and the metrics follow that order\n", cli_prog,
                trec_display_name(o->model), (unsigned long long)bad, bad == 1 ? "" : "s");
}

/* AUC needs each ranker's full ranking: the model's scorer, or one that
 * ranks by popularity. */
static void add_auc(run *r, split *sp, int rk)
{
    trec_error err;
    const trec_csr *excl = sp->exclude ? r->train : NULL;
    trec_scorer pop;
    float *counts = NULL;
    const trec_scorer *s = &r->scorer;
    if (rk == R_RANDOM)
        return; /* 0.5, exactly */
    if (rk == R_POPULAR) {
        if (trec_popularity_scorer(&r->splits[1].pos, &pop, &counts, &err) != 0)
            cli_fail(&err);
        s = &pop;
    }
    if (trec_eval_auc(&sp->pos, s, excl, r->o->c.threads, &sp->res[rk], &err) != 0)
        cli_fail(&err);
    if (counts) {
        trec_scorer_free(&pop);
        free(counts);
    }
}

static void evaluate_popular(run *r, split *sp)
{
    trec_error err;
    const trec_csr *excl = sp->exclude ? r->train : NULL;
    trec_topk_lists pl;
    if (trec_popular_lists(r->pop_order, r->model.n_users, r->model.n_items, excl,
                           max_k(r->o), &pl, &err) != 0 ||
        trec_eval_lists(&sp->pos, &pl, &r->cfg, &sp->res[R_POPULAR], &err) != 0)
        cli_fail(&err);
    trec_topk_lists_free(&pl);
    sp->have[R_POPULAR] = 1;
}

static void evaluate(run *r)
{
    trec_error err;
    options *o = r->o;
    if (r->train && trec_popularity_order(&r->splits[1].pos, &r->pop_order, &err) != 0)
        cli_fail(&err);
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        const trec_csr *excl = sp->exclude ? r->train : NULL;
        if (o->baseline == R_MODEL) {
            if (trec_eval_lists(&sp->pos, sp->exclude ? &r->excl : &r->all, &r->cfg,
                                &sp->res[R_MODEL], &err) != 0)
                cli_fail(&err);
            sp->have[R_MODEL] = 1;
        }
        if (r->pop_order && o->baseline != R_RANDOM)
            evaluate_popular(r, sp);
        if (o->baseline != R_POPULAR) {
            if (trec_eval_random(&sp->pos, excl, &r->cfg, &sp->res[R_RANDOM], &err) != 0)
                cli_fail(&err);
            sp->have[R_RANDOM] = 1;
        }
        for (int rk = 0; rk < N_RANKERS && wants(o, TREC_AUC); rk++)
            if (sp->have[rk])
                add_auc(r, sp, rk);
    }
}

/* ---- output ---- */

static const char *ranking_name(const split *sp)
{
    return sp->exclude ? "exclude-train" : "all-items";
}

static const char *ranking_text(const split *sp)
{
    if (sp->exclude)
        return "items in train left out of each user's ranking (LightFM/standard convention)";
    return "all items ranked, training items included (walkthrough/TensorRec convention)";
}

/* The first ranker the split has (the model, or the --baseline). */
static const trec_eval_result *first_result(const split *sp)
{
    for (int rk = 0; rk < N_RANKERS; rk++)
        if (sp->have[rk])
            return &sp->res[rk];
    return &sp->res[R_MODEL];
}

static void print_header(run *r, FILE *f)
{
    options *o = r->o;
    trec_model *m = &r->model;
    if (o->baseline != R_MODEL)
        fprintf(f, "baseline:  %s alone (no model; %llu users x %llu items)\n",
                ranker_names[o->baseline], (unsigned long long)m->n_users,
                (unsigned long long)m->n_items);
    else if (m->kind != TREC_MODEL_FACTORS)
        fprintf(f, "model:     %s (%s; %llu users x %llu items)\n",
                trec_display_name(o->model), trec_model_kind_name(m->kind),
                (unsigned long long)m->n_users, (unsigned long long)m->n_items);
    else
        fprintf(f, "model:     %s (%s, k = %llu; %llu users x %llu items)\n",
                trec_display_name(o->model), trec_predict_name(m->predict),
                (unsigned long long)m->k, (unsigned long long)m->n_users,
                (unsigned long long)m->n_items);
    if (o->has_min_rating)
        fprintf(f, "positives: entries with value >= %g%s\n", o->min_rating,
                r->min_rating_from_meta ? " (the model's --min-rating, from its META)" : "");
    else
        fprintf(f, "positives: every entry\n");
    fprintf(f, "NDCG gain: %s; equal scores rank the lower item index first\n",
            o->gain == TREC_GAIN_EXP ? "2^rating - 1" : "1 (binary)");
    if (o->exclude_train && o->gain == TREC_GAIN_BINARY)
        fprintf(f, "convention: standard (train items left out of the test ranking, binary "
                "gain)\n");
}

static void print_table(run *r, FILE *f)
{
    options *o = r->o;
    column cols[MAX_KS * TREC_N_METRICS];
    int nc = columns(o, cols);
    print_header(r, f);
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        const trec_eval_result *res = first_result(sp);
        fprintf(f, "\n%s (%s): %s\n", sp->name, trec_display_name(sp->file), ranking_text(sp));
        fprintf(f, "  users: %llu evaluated, %llu skipped (no positive); %llu positives\n",
                (unsigned long long)res->evaluated, (unsigned long long)res->skipped,
                (unsigned long long)res->n_positives);
        int width[MAX_KS * TREC_N_METRICS];
        fprintf(f, "  %-14s", "ranker");
        for (int j = 0; j < nc; j++) {
            int w = (int)strlen(cols[j].label);
            width[j] = w < TREC_METRIC_DECIMALS + 2 ? TREC_METRIC_DECIMALS + 2 : w;
            fprintf(f, "  %*s", width[j], cols[j].label);
        }
        fputc('\n', f);
        for (int rk = 0; rk < N_RANKERS; rk++) {
            if (!sp->have[rk])
                continue;
            fprintf(f, "  %-14s", ranker_names[rk]);
            for (int j = 0; j < nc; j++) {
                char t[TREC_METRIC_TEXT];
                trec_format_metric(value_of(sp->res[rk].mean, &cols[j]), 0, t, sizeof t);
                fprintf(f, "  %*s", width[j], t);
            }
            fputc('\n', f);
        }
        if (!o->train && o->baseline == R_MODEL)
            fprintf(f, "  (most-popular needs --train: popularity is never taken from test)\n");
    }
}

static void json_metrics(cJSON *obj, const options *o, const double *mean)
{
    column cols[MAX_KS * TREC_N_METRICS];
    int nc = columns(o, cols);
    for (int j = 0; j < nc; j++)
        cJSON_AddItemToObject(obj, cols[j].label, trec_json_metric(value_of(mean, &cols[j])));
}

static void print_json(run *r, FILE *f)
{
    options *o = r->o;
    trec_model *m = &r->model;
    cJSON *root = cJSON_CreateObject();
    if (o->baseline != R_MODEL)
        cJSON_AddNullToObject(root, "model");
    else
        cJSON_AddStringToObject(root, "model", trec_display_name(o->model));
    cJSON_AddStringToObject(root, "predict", trec_predict_name(m->predict));
    cJSON_AddNumberToObject(root, "components", (double)m->k);
    cJSON_AddNumberToObject(root, "users", (double)m->n_users);
    cJSON_AddNumberToObject(root, "items", (double)m->n_items);
    cJSON *ks = cJSON_AddArrayToObject(root, "k");
    for (int k = 0; k < o->nk; k++)
        cJSON_AddItemToArray(ks, cJSON_CreateNumber(o->ks[k]));
    if (o->has_min_rating)
        cJSON_AddNumberToObject(root, "min_rating", o->min_rating);
    else
        cJSON_AddNullToObject(root, "min_rating");
    cJSON_AddStringToObject(root, "gain", o->gain == TREC_GAIN_EXP ? "exp" : "binary");
    cJSON_AddStringToObject(root, "ties", "lower-item-index-first");
    cJSON *splits = cJSON_AddArrayToObject(root, "splits");
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        const trec_eval_result *res = first_result(sp);
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "split", sp->name);
        cJSON_AddStringToObject(so, "file", trec_display_name(sp->file));
        cJSON_AddStringToObject(so, "ranking", ranking_name(sp));
        cJSON_AddNumberToObject(so, "users_evaluated", (double)res->evaluated);
        cJSON_AddNumberToObject(so, "users_skipped", (double)res->skipped);
        cJSON_AddNumberToObject(so, "positives", (double)res->n_positives);
        cJSON *rankers = cJSON_AddArrayToObject(so, "rankers");
        for (int rk = 0; rk < N_RANKERS; rk++) {
            if (!sp->have[rk])
                continue;
            cJSON *ro = cJSON_CreateObject();
            cJSON_AddStringToObject(ro, "ranker", ranker_names[rk]);
            json_metrics(ro, o, sp->res[rk].mean);
            cJSON_AddItemToArray(rankers, ro);
        }
        cJSON_AddItemToArray(splits, so);
    }
    cJSON_AddStringToObject(root, "min_rating_from",
                            !o->has_min_rating ? "none"
                            : r->min_rating_from_meta ? "model" : "option");
    cJSON_AddStringToObject(root, "convention",
                            o->exclude_train && o->gain == TREC_GAIN_BINARY ? "standard"
                            : o->exclude_train ? "exclude-train" : "all-items");
    cli_print_json(f, root, o->print.pretty);
    cJSON_Delete(root);
}

/* One line per split, ranker and metric: the shape awk and join want. */
static void print_tsv(run *r, FILE *f)
{
    column cols[MAX_KS * TREC_N_METRICS];
    int nc = columns(r->o, cols);
    if (!r->o->print.no_header)
        fputs("split\tranking\tranker\tmetric\tvalue\n", f);
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        for (int rk = 0; rk < N_RANKERS; rk++) {
            if (!sp->have[rk])
                continue;
            for (int j = 0; j < nc; j++) {
                char t[TREC_METRIC_TEXT];
                trec_format_metric(value_of(sp->res[rk].mean, &cols[j]), 0, t, sizeof t);
                fprintf(f, "%s\t%s\t%s\t%s\t%s\n", sp->name, ranking_name(sp),
                        ranker_names[rk], cols[j].label, t);
            }
        }
    }
}

/* Per user: every column but coverage, a figure of the whole split. */
static void print_per_user(run *r, FILE *f)
{
    column cols[MAX_KS * TREC_N_METRICS];
    int nc = columns(r->o, cols);
    if (!r->o->print.no_header) {
        fputs("user\tsplit", f);
        for (int j = 0; j < nc; j++)
            if (cols[j].metric != TREC_COVERAGE)
                fprintf(f, "\t%s", cols[j].label);
        fputs("\tpositives\n", f);
    }
    const trec_labels *ul = &r->model.user_labels;
    for (int s = 0; s < r->nsplits; s++) {
        split *sp = &r->splits[s];
        const trec_eval_result *res = &sp->res[R_MODEL];
        for (uint64_t u = 0; u < res->n_users; u++) {
            if (!res->has[u])
                continue;
            if (ul->count) {
                size_t n;
                const char *l = trec_label(ul, u, &n);
                fprintf(f, "%.*s\t%s", (int)n, l, sp->name);
            } else {
                fprintf(f, "%llu\t%s", (unsigned long long)u, sp->name);
            }
            const double *v = res->per_user + u * (uint64_t)res->nk * TREC_N_METRICS;
            char t[TREC_METRIC_TEXT];
            for (int j = 0; j < nc; j++)
                if (cols[j].metric != TREC_COVERAGE) {
                    trec_format_metric(value_of(v, &cols[j]), 0, t, sizeof t);
                    fprintf(f, "\t%s", t);
                }
            fprintf(f, "\t%llu\n",
                    (unsigned long long)(sp->pos.rowptr[u + 1] - sp->pos.rowptr[u]));
        }
    }
}

/* The report and the --per-user file. Outputs are opened last: an error
 * exit (which does not return) must not leave a temporary file behind. */
static int write_reports(run *r, trec_error *err)
{
    options *o = r->o;
    trec_outfile out, pu;
    if (trec_outfile_open(&out, o->c.out, err) != 0)
        return -1;
    if (o->per_user && trec_outfile_open(&pu, o->per_user, err) != 0) {
        trec_outfile_abort(&out);
        return -1;
    }
    if (o->print.json)
        print_json(r, out.fp);
    else if (o->tsv)
        print_tsv(r, out.fp);
    else
        print_table(r, out.fp);
    if (o->per_user) {
        print_per_user(r, pu.fp);
        if (trec_outfile_commit(&pu, err) != 0) {
            trec_outfile_abort(&out);
            return -1;
        }
    }
    return trec_outfile_commit(&out, err);
}

static void print_summary(const run *r, double t0)
{
    const options *o = r->o;
    if (!o->c.quiet)
        fprintf(stderr, "%s: %llu users x %llu items, K up to %u, %d threads, %.2f s\n",
                cli_prog, (unsigned long long)r->model.n_users,
                (unsigned long long)r->model.n_items, max_k(o), o->c.threads, cli_now() - t0);
}

/* ---- quality gates and the history ---- */

static int check_gates(run *r, char *reason, size_t size)
{
    split *t = &r->splits[0];
    trec_gate_ranker bases[2];
    int nb = 0;
    for (int rk = R_POPULAR; rk < N_RANKERS; rk++)
        if (t->have[rk])
            bases[nb++] = (trec_gate_ranker){ranker_names[rk], t->res[rk].mean};
    trec_error err;
    trec_eval_config cfg = {.ks = r->o->ks, .nk = r->o->nk};
    int failed = trec_gate_check(r->o->gates, r->o->ngates, &cfg, t->res[R_MODEL].mean, bases,
                                 nb, reason, size, &err);
    if (failed < 0)
        cli_fail(&err);
    return failed;
}

/* One row: the model's test metrics (recall@10, ...), the baselines' on
 * test (most-popular:recall@10, ...), the model's on train (train:...). */
static void append_history(run *r, const char *status)
{
    options *o = r->o;
    column cols[MAX_KS * TREC_N_METRICS];
    int nc = columns(o, cols), n = 0;
    char (*names)[64] = calloc((size_t)nc * (N_RANKERS + 1), sizeof *names);
    const char **np = calloc((size_t)nc * (N_RANKERS + 1), sizeof *np);
    double *vals = calloc((size_t)nc * (N_RANKERS + 1), sizeof *vals);
    if (!names || !np || !vals)
        cli_die(1, "out of memory");
    for (int s = 0; s < r->nsplits; s++)
        for (int rk = 0; rk < N_RANKERS; rk++) {
            split *sp = &r->splits[s];
            if (!sp->have[rk] || (s == 1 && rk != R_MODEL))
                continue;
            const char *prefix = s == 1 ? "train:" : rk == R_MODEL ? "" : ranker_names[rk];
            for (int j = 0; j < nc; j++, n++) {
                snprintf(names[n], sizeof names[n], "%s%s%s", prefix,
                         s == 0 && rk != R_MODEL ? ":" : "", cols[j].label);
                np[n] = names[n];
                vals[n] = value_of(sp->res[rk].mean, &cols[j]);
            }
        }
    /* SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes the time */
    int64_t now = (int64_t)time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde)
        now = cli_parse_int("SOURCE_DATE_EPOCH", sde, 0, INT64_MAX);
    char settings[128], minr[48] = "none";
    if (o->has_min_rating)
        snprintf(minr, sizeof minr, "%g", o->min_rating);
    snprintf(settings, sizeof settings, "%s min-rating=%s gain=%s%s",
             o->exclude_train ? "exclude-train" : "all-items", minr,
             o->gain == TREC_GAIN_EXP ? "exp" : "binary", o->fold_in ? " fold-in" : "");
    trec_eval_record rec = {.time = now, .model = o->model, .test = o->test,
                            .train = o->train, .settings = settings, .status = status,
                            .n_metrics = n, .names = np, .values = vals};
    trec_error err;
    int rc = trec_eval_history_append(o->history, &rec, &err);
    free(names);
    free(np);
    free(vals);
    if (rc != 0)
        cli_fail(&err);
}

static void release(run *r)
{
    for (int s = 0; s < r->nsplits; s++) {
        for (int rk = 0; rk < N_RANKERS; rk++)
            trec_eval_result_free(&r->splits[s].res[rk]);
        trec_positives_free(&r->splits[s].pos);
        trec_csr_free(&r->splits[s].m), trec_csr_free(&r->splits[s].file_m);
    }
    trec_topk_lists_free(&r->all);
    trec_topk_lists_free(&r->excl);
    trec_scorer_free(&r->scorer);
    trec_csr_free(&r->histories);
    free(r->pop_order);
    trec_model_free(&r->model);
}

#ifdef TREC_MPI
#include "trec_mpi.h"

/* Under an MPI launcher with more than one rank: users scored in blocks per
 * rank (trec-eval(1), DISTRIBUTED RUNS); rank 0 writes the same reports. */
static int run_mpi(run *r, double t0)
{
    options *o = r->o;
    trec_error err;
    trec_mpi_split sp[2] = {{.file = o->test, .exclude = o->exclude_train}, {.file = o->train}};
    trec_mpi_eval_request q = {.model = &r->model, .model_name = trec_display_name(o->model),
                               .splits = sp, .nsplits = o->train ? 2 : 1,
                               .train = o->train ? 1 : -1, .cfg = &r->cfg,
                               .threads = o->c.threads, .per_user = o->per_user != NULL,
                               .fold_in = o->fold_in};
    int rc = 0;
    /* What the distributed path does not compute: baselines alone, and the
     * metrics that are not means over users. */
    if (o->baseline != R_MODEL || wants(o, TREC_COVERAGE) || wants(o, TREC_AUC) ||
        o->ngates || o->history)
        rc = trec_fail(&err, "under mpirun with more than one rank, trec-eval evaluates a "
                       "model's per-user metrics only: not --baseline, coverage, auc, "
                       "--fail-below or --history (run them in one process)");
    rc = trec_mpi_agree(rc ? rc : trec_model_read(o->model, &r->model, &err), &err);
    if (rc == 0 && !o->has_min_rating && meta_min_rating(&r->model, &o->min_rating))
        o->has_min_rating = r->min_rating_from_meta = 1;
    r->cfg = (trec_eval_config){.ks = o->ks, .nk = o->nk, .has_min_rating = o->has_min_rating,
                                .min_rating = o->min_rating, .gain = o->gain};
    if (rc == 0)
        rc = trec_mpi_eval(&q, &err);
    r->nsplits = q.nsplits;
    for (int s = 0; s < q.nsplits; s++) {
        r->splits[s] = (split){.name = s ? "train" : "test", .file = sp[s].file,
                               .exclude = sp[s].exclude, .pos = sp[s].pos};
        memcpy(r->splits[s].res, sp[s].res, sizeof sp[s].res);
        memcpy(r->splits[s].have, sp[s].have, sizeof sp[s].have);
    }
    if (rc == 0)
        rc = trec_mpi_agree(trec_mpi_rank() == 0 ? write_reports(r, &err) : 0, &err);
    if (trec_mpi_rank() == 0) {
        if (rc != 0)
            fprintf(stderr, "%s: error: %s\n", cli_prog, err.msg);
        else
            print_summary(r, t0);
    }
    release(r);
    trec_mpi_finish();
    return rc ? 1 : 0;
}
#endif

int main(int argc, char **argv)
{
    cli_prog = "trec-eval";
    options o;
    parse_args(&o, argc, argv);
    double t0 = cli_now();
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
#ifdef TREC_MPI
    if (trec_mpi_start(&argc, &argv) > 1)
        return run_mpi(&r, t0);
#endif
    cli_step(o.c.quiet, "reading %s", o.model ? trec_display_name(o.model) : "the matrices");
    load(&r);
    double t_load = cli_now();
    if (o.exclude_train)
        check_overlap(&r);
    if (r.min_rating_from_meta && !o.c.quiet) {
        cli_step_end(o.c.quiet);
        fprintf(stderr, "%s: positives: entries >= %g, the model's --min-rating (from its "
                "META; give --min-rating to change)\n", cli_prog, o.min_rating);
    }
    cli_step(o.c.quiet, "ranking %llu items for %llu users",
             (unsigned long long)r.model.n_items, (unsigned long long)r.model.n_users);
    rank_model(&r);
    double t_rank = cli_now();
    cli_step(o.c.quiet, "computing the metrics");
    evaluate(&r);
    cli_step_end(o.c.quiet);
    if (o.print.verbose)
        fprintf(stderr, "%s: read %.2f s, ranked %.2f s, metrics %.2f s\n", cli_prog,
                t_load - t0, t_rank - t_load, cli_now() - t_rank);
    trec_error err;
    if (write_reports(&r, &err) != 0)
        cli_fail(&err);
    char reason[1024] = "";
    int failed = o.ngates ? check_gates(&r, reason, sizeof reason) : 0;
    if (o.history)
        append_history(&r, failed ? "failed" : "ok");
    if (failed) {
        fprintf(stderr, "%s: quality gate failed: %s (test split of %s)\n", cli_prog, reason,
                trec_display_name(o.test));
        release(&r);
        return EXIT_GATE;
    }
    print_summary(&r, t0);
    release(&r);
    return 0;
}
