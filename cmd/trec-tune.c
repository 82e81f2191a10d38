/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-tune - searches trec-fit settings on a validation split: successive
 * halving over a space of options, a leaderboard, the best model (see
 * trec-tune(1); the search is lib/train/tune.c). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_outputs.h"

/* The algorithms outside the default list, "tensorrec" (comma-separated). */
static const char *other_algorithms(void)
{
    static char buf[256];
    char def[258];
    snprintf(def, sizeof def, ",%s,", trec_tune_default_algorithms());
    const char *name;
    for (int i = 0; (name = trec_fit_algorithm_at(i, NULL)); i++) {
        char key[64];
        snprintf(key, sizeof key, ",%s,", name);
        if (!strstr(def, key))
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? "," : "",
                     name);
    }
    return buf;
}

static void usage(void)
{
    printf("Usage: %s TRAIN.csr --valid VALID.csr [-o BEST.trec] [--algorithm A[,A...]]\n"
           "                 [--OPTION V1,V2,... | --OPTION LO..HI]... [--trials N]\n"
           "                 [--budget TIME] [--metric M] [--log FILE [--resume]]\n"
           "                 [--json|--pretty|--no-header] [-q|-v]\n"
           "Searches trec-fit settings: each trial is fitted on TRAIN and evaluated on\n"
           "VALID during the fit (train items excluded, binary gain); successive halving\n"
           "gives the epochs to the promising trials. Leaderboard (TSV) on stdout.\n"
           "\n"
           "  --valid FILE       validation interactions (e.g. trec-split --valid)\n"
           "  -o, --output FILE  write the best trial's model (refitted) to FILE\n"
           "  --algorithm LIST   algorithms searched (default %s; also %s)\n"
           "  --OPTION SPEC      any trec-fit option with a value: a list V1,V2,... or a\n"
           "                     range LO..HI (log-uniform for --alpha, --lambda,\n"
           "                     --components, ...); replaces the algorithm's default\n"
           "                     dimension of that option (see 'man trec-tune')\n"
           "  --trials N         trials per algorithm (default 9; a list-only space with\n"
           "                     at most N points is searched whole)\n"
           "  --budget TIME      stop after TIME (300, 90s, 5m, 1h); default: none\n"
           "  --metric M         maximised: ndcg@10 (default), recall@K, map@K, ...\n"
           "  --valid-gain G     NDCG gain: binary (default) or exp\n"
           "  --patience N       a fit stops after N evaluations without improvement (3)\n"
           "  --eta N            keep the best 1/N of each rung (default 3)\n"
           "  --rungs N          rungs of successive halving (default 3)\n"
           "  --seed N           seed of the draws and of every fit (default 1)\n"
           "  --log FILE         every finished trial as TSV (rewritten after each)\n"
           "  --resume           take the trials FILE of --log has instead of refitting\n"
           "  --json             the leaderboard as JSON (one line; --pretty: indented)\n"
           "  --no-header        the TSV leaderboard without its header line\n"
           "  --threads N        worker threads (default: online cores, at most %d)\n"
           "  -q, --quiet        no progress and no summary on stderr\n"
           "  -v, --verbose      also each trial's fitting time and the refit's\n"
           "  -h, --help         this help\n"
           "  -V, --version      version\n"
           "See 'man trec-tune'.\n",
           cli_prog, trec_tune_default_algorithms(), other_algorithms(), 8);
    exit(0);
}

typedef struct options {
    cli_common c;
    const char *in, *valid, *log, *out;
    int resume;
    cli_output print;       /* --json, --pretty, --no-header, -v */
    trec_tune_config tc;
    const char *algorithms;
    int trials_given;
} options;

enum { OPT_VALID = 256, OPT_ALGORITHM, OPT_TRIALS, OPT_BUDGET, OPT_METRIC, OPT_VALID_GAIN,
       OPT_PATIENCE, OPT_ETA, OPT_RUNGS, OPT_SEED, OPT_LOG, OPT_RESUME,
       OPT_FIT = 1000 };

/* "300", "90s", "5m", "1h" -> seconds */
static double parse_budget(const char *s)
{
    char *end;
    double v = strtod(s, &end), mul = 1;
    if (end != s && *end && !end[1])
        mul = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 : -1;
    else if (end == s || *end)
        mul = -1;
    if (mul < 0 || !(v > 0) || !isfinite(v))
        cli_usage_error("--budget wants a time: seconds, or a number with s, m or h", s);
    return v * mul;
}

static void parse_args(options *o, int argc, char **argv)
{
    static struct option longopts[TREC_OPT_LIMIT + 32];
    static const struct option own[] = {
        {"valid", required_argument, 0, OPT_VALID},
        {"algorithm", required_argument, 0, OPT_ALGORITHM},
        {"trials", required_argument, 0, OPT_TRIALS},
        {"budget", required_argument, 0, OPT_BUDGET},
        {"metric", required_argument, 0, OPT_METRIC},
        {"valid-gain", required_argument, 0, OPT_VALID_GAIN},
        {"patience", required_argument, 0, OPT_PATIENCE},
        {"eta", required_argument, 0, OPT_ETA},
        {"rungs", required_argument, 0, OPT_RUNGS},
        {"seed", required_argument, 0, OPT_SEED},
        {"log", required_argument, 0, OPT_LOG},
        {"resume", no_argument, 0, OPT_RESUME},
        CLI_OUTPUT_LONGOPTS,
        CLI_COMMON_LONGOPTS};
    int n = 0;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        longopts[n++] = own[i];
    /* every trec-fit option with a value is a dimension (the tool's own
     * --seed and --threads come first) */
    for (int f = 0; f < TREC_OPT_LIMIT; f++) {
        const trec_fit_option_info *in = trec_fit_option_about(f);
        if (!in || !in->name || f == TREC_OPT_SEED || f == TREC_OPT_THREADS)
            continue;
        longopts[n++] = (struct option){in->name + 2,
                                        in->arg == TREC_ARG_NONE ? no_argument
                                                                 : required_argument,
                                        0, OPT_FIT + f};
    }
    longopts[n] = (struct option){0, 0, 0, 0};

    memset(o, 0, sizeof *o);
    cli_common_init(&o->c);
    o->c.out = NULL;
    trec_tune_config_default(&o->tc);
    o->algorithms = trec_tune_default_algorithms();
    trec_error err;
    int c;
    /* dimensions are added after --algorithm is known: keep them */
    int ndims = 0;
    const char *dim_opt[TREC_TUNE_MAX_DIMS], *dim_spec[TREC_TUNE_MAX_DIMS];
    while ((c = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS CLI_OUTPUT_SHORTOPTS, longopts,
                            NULL)) != -1) {
        if (cli_common_option(c, optarg, &o->c, usage) || cli_output_option(c, &o->print))
            continue;
        switch (c) {
        case OPT_VALID: o->valid = optarg; break;
        case OPT_ALGORITHM: o->algorithms = optarg; break;
        case OPT_TRIALS:
            o->tc.trials = (uint64_t)cli_parse_int("--trials", optarg, 1, 1000);
            o->trials_given = 1;
            break;
        case OPT_BUDGET: o->tc.budget = parse_budget(optarg); break;
        case OPT_METRIC:
            if (trec_metric_parse(optarg, &o->tc.vc.metric, &o->tc.vc.k, &err) != 0)
                cli_usage_error(err.msg, NULL);
            break;
        case OPT_VALID_GAIN:
            if (strcmp(optarg, "binary") == 0)
                o->tc.vc.gain = TREC_GAIN_BINARY;
            else if (strcmp(optarg, "exp") == 0)
                o->tc.vc.gain = TREC_GAIN_EXP;
            else
                cli_usage_error("--valid-gain must be binary or exp", optarg);
            break;
        case OPT_PATIENCE:
            o->tc.vc.patience = (uint64_t)cli_parse_int("--patience", optarg, 0, 1LL << 40);
            break;
        case OPT_ETA: o->tc.eta = (int)cli_parse_int("--eta", optarg, 2, 100); break;
        case OPT_RUNGS: o->tc.rungs = (int)cli_parse_int("--rungs", optarg, 1, 10); break;
        case OPT_SEED:
            o->tc.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, TREC_FIT_MAX_SEED);
            break;
        case OPT_LOG: o->log = optarg; break;
        case OPT_RESUME: o->resume = 1; break;
        default:
            if (c >= OPT_FIT && c < OPT_FIT + TREC_OPT_LIMIT) {
                const char *name = trec_fit_option_name(c - OPT_FIT);
                if (!optarg)
                    cli_die(2, "%s cannot be searched by trec-tune (a flag)", name);
                if (ndims == TREC_TUNE_MAX_DIMS)
                    cli_usage_error("too many searched options", name);
                dim_opt[ndims] = name;
                dim_spec[ndims++] = optarg;
                break;
            }
            cli_usage_error("invalid option", NULL);
        }
    }
    if (optind == argc)
        cli_usage_error("missing TRAIN.csr", NULL);
    if (argc - optind > 1)
        cli_usage_error("one TRAIN.csr only; unexpected argument", argv[optind + 1]);
    o->in = argv[optind];
    o->out = o->c.out;
    if (o->c.quiet && o->print.verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    if (o->print.json && o->print.no_header)
        cli_usage_error("--no-header is for the TSV leaderboard, not --json", NULL);
    if (o->out && strcmp(o->out, "-") == 0)
        cli_usage_error("-o -: standard output holds the leaderboard; give the model a "
                        "file name", NULL);
    if (!o->valid)
        cli_usage_error("missing --valid FILE (trec-tune never looks at test: carve a "
                        "validation split with trec-split --valid)", NULL);
    if (o->resume && !o->log)
        cli_usage_error("--resume needs --log FILE", NULL);
    const char *outs[2] = {o->out, o->log}, *opts[2] = {"-o", "--log"};
    cli_check_outputs(2, opts, outs);
    if (!strcmp(o->in, "-") + !strcmp(o->valid, "-") > 1)
        cli_usage_error("only one input can be '-' (stdin)", NULL);
    if (trec_tune_space_algorithms(&o->tc.space, o->algorithms, &err) != 0)
        cli_usage_error(err.msg, NULL);
    for (int i = 0; i < ndims; i++)
        if (trec_tune_space_add(&o->tc.space, dim_opt[i], dim_spec[i], &err) != 0)
            cli_usage_error(err.msg, NULL);
    if (trec_tune_space_finish(&o->tc.space, &err) != 0)
        cli_usage_error(err.msg, NULL);
    for (int i = 0; i < o->tc.space.ngiven; i++)
        if (!o->tc.space.given[i].used)
            fprintf(stderr, "%s: warning: %s applies to none of the algorithms searched "
                    "(%s): left out\n", cli_prog,
                    trec_fit_option_name(o->tc.space.given[i].option), o->algorithms);
    o->tc.threads = o->c.threads;
}

/* ---- progress ---- */

static void on_trial(void *ctx, const trec_tune_trial *t, int resumed)
{
    char ep[32];
    snprintf(ep, sizeof ep, t->epochs ? "%llu epochs" : "one solve",
             (unsigned long long)t->epochs);
    const options *o = ctx;
    if (o->c.quiet)
        return;
    char secs[40] = "", val[TREC_METRIC_TEXT];
    trec_format_metric(t->value, 0, val, sizeof val);
    if (o->print.verbose && !resumed)
        snprintf(secs, sizeof secs, " (%.2f s of fitting)", t->seconds);
    if (t->failed)
        fprintf(stderr, "%s: trial %llu rung %d/%d %s, %s: failed (diverged)%s%s: %s\n",
                cli_prog, (unsigned long long)t->id, t->rung + 1, t->rungs, t->algorithm, ep,
                resumed ? " (from the log)" : "", secs, t->options);
    else
        fprintf(stderr, "%s: trial %llu rung %d/%d %s, %s: %s at epoch %llu%s%s: %s\n",
                cli_prog, (unsigned long long)t->id, t->rung + 1, t->rungs, t->algorithm, ep,
                val, (unsigned long long)t->best_epoch,
                resumed ? " (from the log)" : "", secs, t->options);
    fflush(stderr);
}

/* ---- output ---- */

static const trec_tune_result *cmp_res;

/* The leaderboard's order: trials that finished their last rung first, then
 * by rung reached, value (higher first), trial number; failed ones last. */
static int board_order(const void *a, const void *b)
{
    const trec_tune_trial *x = &cmp_res->trials[*(const uint64_t *)a];
    const trec_tune_trial *y = &cmp_res->trials[*(const uint64_t *)b];
    if (x->done != y->done)
        return x->done ? -1 : 1;
    int fx = x->rung == x->rungs - 1, fy = y->rung == y->rungs - 1;
    if (fx != fy)
        return fx ? -1 : 1;
    if (!fx && x->rung != y->rung)
        return x->rung > y->rung ? -1 : 1;
    if (x->done && x->value != y->value)
        return x->value > y->value ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static uint64_t board(const trec_tune_result *r, uint64_t *order)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i < r->ntrials; i++)
        if (r->trials[i].rung >= 0)
            order[n++] = i;
    cmp_res = r;
    qsort(order, n, sizeof *order, board_order);
    return n;
}

static void print_tsv(const trec_tune_result *r, const uint64_t *order, uint64_t n,
                      int header)
{
    if (header)
        printf("rank\ttrial\talgorithm\t%s\tbest_epoch\tepochs\trung\toptions\n", r->metric);
    for (uint64_t j = 0; j < n; j++) {
        const trec_tune_trial *t = &r->trials[order[j]];
        printf("%llu\t%llu\t%s\t", (unsigned long long)j + 1, (unsigned long long)t->id,
               t->algorithm);
        char val[TREC_METRIC_TEXT];
        trec_format_metric(t->value, 0, val, sizeof val);
        printf("%s", t->failed ? "failed" : val);
        printf("\t%llu\t", (unsigned long long)t->best_epoch);
        if (t->epochs)
            printf("%llu", (unsigned long long)t->epochs);
        else
            printf("-"); /* an algorithm without epochs */
        printf("\t%d/%d\t%s\n", t->rung + 1, t->rungs, t->options);
    }
}

static void print_json(const options *o, const trec_tune_result *r, const uint64_t *order,
                       uint64_t n)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "metric", r->metric);
    cJSON_AddNumberToObject(root, "seed", (double)o->tc.seed);
    cJSON_AddNumberToObject(root, "trials", (double)r->ntrials);
    cJSON_AddBoolToObject(root, "out_of_budget", r->out_of_budget);
    if (r->have_best)
        cJSON_AddNumberToObject(root, "best", (double)r->trials[r->best].id);
    else
        cJSON_AddNullToObject(root, "best");
    cJSON *lb = cJSON_AddArrayToObject(root, "leaderboard");
    for (uint64_t j = 0; j < n; j++) {
        const trec_tune_trial *t = &r->trials[order[j]];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "rank", (double)j + 1);
        cJSON_AddNumberToObject(e, "trial", (double)t->id);
        cJSON_AddStringToObject(e, "algorithm", t->algorithm);
        if (t->failed)
            cJSON_AddNullToObject(e, "value");
        else
            cJSON_AddItemToObject(e, "value", trec_json_metric(t->value));
        cJSON_AddNumberToObject(e, "best_epoch", (double)t->best_epoch);
        if (t->epochs)
            cJSON_AddNumberToObject(e, "epochs", (double)t->epochs);
        else
            cJSON_AddNullToObject(e, "epochs");
        cJSON_AddNumberToObject(e, "rung", t->rung + 1);
        cJSON_AddNumberToObject(e, "rungs", t->rungs);
        cJSON_AddStringToObject(e, "options", t->options);
        cJSON_AddItemToArray(lb, e);
    }
    cli_print_json(stdout, root, o->print.pretty);
    cJSON_Delete(root);
}

/* ---- the best model ---- */

static void write_best(const options *o, const trec_csr *x, const trec_tune_result *r)
{
    trec_error err;
    const trec_tune_trial *t = &r->trials[r->best];
    trec_fit_config cfg;
    trec_validation *val;
    trec_validation_config vc = o->tc.vc;
    if (trec_tune_trial_config(&o->tc, x, t, &cfg, &err) != 0 ||
        trec_validation_new(&val, &vc, &err) != 0)
        cli_fail(&err);
    cfg.validation = val;
    trec_model m;
    trec_fit_result res;
    if (trec_fit(&cfg, x, NULL, NULL, NULL, &m, &res, &err) != 0)
        cli_fail(&err);
    trec_fit_inputs inputs;
    memset(&inputs, 0, sizeof inputs);
    trec_fit_input_set(&inputs.interactions, trec_display_name(o->in), &x->file);
    char *meta = trec_fit_meta_json(&cfg, &res, &m, &inputs, &err);
    if (!meta || trec_model_own(&m, meta, &err) != 0)
        cli_fail(&err);
    m.meta_json = meta;
    if (trec_model_write(o->out, &m, &err) != 0)
        cli_fail(&err);
    trec_model_free(&m);
    trec_validation_free(val);
}

static char *read_log(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL; /* no log yet: a fresh start */
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf)
        cli_die(1, "out of memory");
    if (bad)
        cli_die(1, "%s: read error", path);
    buf[len] = 0;
    return buf;
}

/* ---- run: the search, the best model ---- */

typedef struct run {
    options *o;
    trec_csr x, valid, valid_file;
    trec_tune_result r;
} run;

static void search(run *R)
{
    options *o = R->o;
    trec_error err;
    /* --valid matched to the training matrix by raw ids, as trec-fit --valid
     * does: what the matrix lacks is skipped (counted on stderr) */
    trec_align_stats as;
    o->tc.vc.name = trec_display_name(o->valid);
    if (trec_csr_read(o->in, &R->x, &err) != 0 ||
        trec_csr_read(o->valid, &R->valid_file, &err) != 0 ||
        trec_csr_align(&R->valid_file, o->tc.vc.name, &R->x.row_labels, R->x.rows,
                       &R->x.col_labels, R->x.cols, "the training matrix", &R->valid, &as,
                       &err) != 0)
        cli_fail(&err);
    if (!o->c.quiet)
        cli_align_warning(o->tc.vc.name, trec_display_name(o->in), &as);
    o->tc.vc.valid = &R->valid;
    o->tc.vc.file = &R->valid_file.file;
    o->tc.progress = on_trial;
    o->tc.progress_ctx = o;
    char *prior = o->resume ? read_log(o->log) : NULL;
    if (trec_tune_run(&o->tc, &R->x, o->log, prior, o->log, &R->r, &err) != 0)
        cli_fail(&err);
    free(prior);
    if (!R->r.have_best)
        cli_die(1, "no trial finished%s", R->r.out_of_budget ? " within --budget" : "");
}

static void refit_best(run *R)
{
    const options *o = R->o;
    if (!o->out)
        return;
    double t_refit = cli_now();
    write_best(o, &R->x, &R->r);
    if (o->print.verbose)
        fprintf(stderr, "%s: refitted trial %llu and wrote %s in %.2f s\n", cli_prog,
                (unsigned long long)R->r.trials[R->r.best].id, trec_display_name(o->out),
                cli_now() - t_refit);
}

/* ---- print: the leaderboard, the summary ---- */

static void print_board(const run *R)
{
    const options *o = R->o;
    const trec_tune_result *r = &R->r;
    uint64_t *order = malloc((r->ntrials ? r->ntrials : 1) * sizeof *order);
    if (!order)
        cli_die(1, "out of memory");
    uint64_t n = board(r, order);
    if (o->print.json)
        print_json(o, r, order, n);
    else
        print_tsv(r, order, n, !o->print.no_header);
    if (fflush(stdout) != 0 || ferror(stdout))
        cli_die(1, "writing the leaderboard to standard output failed");
    free(order);
}

static void print_summary(const run *R, double t0)
{
    const options *o = R->o;
    const trec_tune_result *r = &R->r;
    if (o->c.quiet)
        return;
    const trec_tune_trial *b = &r->trials[r->best];
    char bv[TREC_METRIC_TEXT], pv[TREC_METRIC_TEXT];
    trec_format_metric(b->value, 0, bv, sizeof bv);
    trec_format_metric(r->popular, 0, pv, sizeof pv);
    fprintf(stderr, "%s: best: trial %llu (%s), %s %s at epoch %llu: --algorithm %s %s\n",
            cli_prog, (unsigned long long)b->id, b->algorithm, r->metric, bv,
            (unsigned long long)b->best_epoch, b->algorithm, b->options);
    if (r->fitted)
        fprintf(stderr, "%s: most-popular on %s: %s %s\n", cli_prog,
                trec_display_name(o->valid), r->metric, pv);
    if (r->fitted && b->value <= r->popular)
        fprintf(stderr, "%s: warning: the best trial is no better than the most-popular "
                "ranking on %s\n", cli_prog, trec_display_name(o->valid));
    fprintf(stderr, "%s: %llu fits, %llu from the log, %llu trials%s%s%s in %.1f s\n",
            cli_prog, (unsigned long long)r->fitted, (unsigned long long)r->resumed,
            (unsigned long long)r->ntrials, r->out_of_budget ? "; the budget ran out" : "",
            o->out ? "; wrote " : "", o->out ? trec_display_name(o->out) : "",
            cli_now() - t0);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-tune";
    options o;
    parse_args(&o, argc, argv);
    double t0 = cli_now();
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    search(&r);
    refit_best(&r);
    print_board(&r);
    print_summary(&r, t0);
    trec_tune_result_free(&r.r);
    trec_csr_free(&r.x);
    trec_csr_free(&r.valid);
    trec_csr_free(&r.valid_file);
    return 0;
}
