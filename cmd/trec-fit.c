/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-fit - fits a recommender model on an interaction matrix (see
 * trec-fit(1)): parse_args, run, print. */
#include <getopt.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"
#include "cli_outputs.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s TRAIN.csr -o MODEL [--algorithm A] [OPTIONS]\n"
           "Fits a recommender model on the interaction matrix TRAIN ('-': stdin; rows\n"
           "users, columns items) with one of the algorithms %s.\n"
           "\n"
           "Algorithms (default: the default preset; with --loss, its algorithm):\n",
           cli_prog, trec_fit_algorithm_list());
    /* one line per row of the algorithm table */
    const char *name, *about;
    for (int i = 0; (name = trec_fit_algorithm_at(i, &about)); i++)
        printf("%-25s%-10s %s\n", i ? "" : "  --algorithm A", name, about);
    printf("  --preset P             a named configuration: default (ease, or als when\n"
           "                         ease's matrix exceeds --max-memory), ease, als, sgd\n"
           "                         (settings chosen on validation), tensorrec\n"
           "                         (TensorRec's defaults, as --algorithm tensorrec)\n"
           "Data (every algorithm):\n"
           "  --min-rating X         positives: entries with value >= X only\n"
           "  --other-weight W       sgd/als/ease: entries below --min-rating count with\n"
           "                         weight W (default 0: left out)\n"
           "  --values binary|raw    sgd/als/ease: a positive's weight is 1 (default) or\n"
           "                         its value\n"
           "Features (tensorrec, sgd):\n"
           "  --user-features F      add the metadata features of matrix file F (rows\n"
           "                         aligned to the users)\n"
           "  --item-features F      same for the items\n"
           "  --no-user-identity     no identity (indicator) feature per user\n"
           "  --no-item-identity     no identity (indicator) feature per item\n"
           "Model:\n"
           "  --components N         representation size k (tensorrec 100, sgd/als 64)\n"
           "  --user-repr R          tensorrec: linear (default), normalized-linear,\n"
           "  --item-repr R            pass-through, weighted-pass-through, relu\n"
           "  --hidden N             relu hidden layer size (default 4 x components)\n"
           "  --predict P            tensorrec: dot (default), cosine, euclidean\n"
           "  --no-biases            tensorrec, sgd: no learned per-feature biases\n"
           "Training:\n"
           "  --loss L               tensorrec: rmse (default), rmse-dense, wmrb,\n"
           "                         balanced-wmrb, separation, separation-dense;\n"
           "                         sgd: bpr, warp (default), warp-kos, logistic\n"
           "  --epochs N             passes over the data (ALS: iterations)\n"
           "  --learning-rate X      tensorrec: Adam step (0.1); sgd: step (0.05)\n"
           "  --alpha X              tensorrec, sgd: L2 penalty weight\n"
           "  --sampled-items N      wmrb: items sampled per step (default 1%% of items)\n"
           "  --sample-unobserved    wmrb: sample only items the user has no positive for\n"
           "  --batch-users N        tensorrec: one Adam step per N users (default: all, or\n"
           "                         as many as --max-memory holds the samples of)\n"
           "  --schedule S           sgd: adagrad (default) or sgd\n"
           "  --max-sampled N        sgd warp: negatives tried per positive (default 10)\n"
           "  --kos-k N              sgd warp-kos: the k of k-OS (default 5)\n"
           "  --lambda L             als, ease: L2 regularisation\n"
           "  --lambda-exponent E    als: lambda scaled by (row weight)^E (default 0)\n"
           "  --dropout P            ease: EDLAE, lambda I + P/(1-P) diag(X'X) (default 0)\n"
           "  --user-exponent E      ease: each user's row scaled by (its weight sum)^-E\n"
           "  --confidence F         als: linear (c = 1 + s w, default) or log\n"
           "                         (c = 1 + s log(1 + w))\n"
           "  --confidence-scale S   als: the s above (default 1)\n"
           "  --solver S             als: cg (default) or cholesky\n"
           "  --cg-steps N           als: conjugate-gradient steps per row (default 3)\n"
           "  --max-memory SIZE      ease: refuse beyond SIZE bytes (K/M/G; default 8G);\n"
           "                         tensorrec: batch users beyond SIZE of samples (1G)\n"
           "  --seed N               seed of initialisation and sampling (default %u)\n"
           "  --threads N            worker threads (default: online cores, at most 8)\n"
           "  --init MODEL           tensorrec, sgd, als: start from MODEL's weights (users\n"
           "                         and items matched by raw id; new ones initialised);\n"
           "                         alone: MODEL's own algorithm and settings (ease: a\n"
           "                         refit with them)\n"
           "Validation (every algorithm):\n"
           "  --valid FILE           evaluate on FILE during the fit (each user's train\n"
           "                         items left out; positives per --min-rating) and\n"
           "                         keep the best evaluation's model\n"
           "  --metric M             what is maximised: ndcg@10 (default), recall@K,\n"
           "                         precision@K, map@K, mrr@K, hit-rate@K, f1@K, auc\n"
           "  --valid-gain G         NDCG gain: binary (default) or exp\n"
           "  --eval-every N         evaluate every N epochs, and after the last (1)\n"
           "  --patience N           stop after N evaluations without improvement\n"
           "                         (default: never stop early)\n"
           "  --log FILE             the curve as TSV (epoch, loss, metric, ...)\n"
           "  --no-header            --log without its header line\n"
           "Output:\n"
           "  -o, --output FILE      the model file ('-': stdout)\n"
           "  -q, --quiet            no progress or summary on stderr\n"
           "  -v, --verbose          a progress line every epoch\n"
           "  --json                 the summary as one line of JSON on stdout\n"
           "  --pretty               the same, indented\n"
           "  -f, --force            write the (binary) model to a terminal anyway\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n"
           "See 'man trec-fit' for the algorithms, their formulas and defaults.\n",
           TREC_FIT_DEFAULT_SEED);
    exit(0);
}

/* ---- options ---- */

/* --valid and its options (the validation block below) */
typedef struct valid_options {
    const char *file, *log, *metric;
    int no_header;              /* --no-header: --log without its header */
    trec_validation_config vc;
    int given;                  /* a validation option was given */
} valid_options;

typedef struct options {
    trec_fit_config cfg;
    const char *in, *out, *user_features, *item_features, *init;
    int quiet;
    int verbose, json, pretty, force;   /* -v, --json, --pretty, -f */
    valid_options v;
    /* --init alone: the model's own configuration (start_from_init) */
    trec_model init_model;
    int init_read, init_refit;
    char init_opts[768];
} options;

enum { OPT_JSON = 1000, OPT_PRETTY };

/* Long options are TREC_OPT_* + OPT_BASE, so each one is also its bit of
 * trec_fit_config.given. */
#define OPT_BASE 256
#define OPT_ALGORITHM (OPT_BASE + TREC_OPT_LIMIT)
enum { OPT_PRESET = OPT_ALGORITHM + 1, OPT_VALID, OPT_METRIC, OPT_VALID_GAIN, OPT_EVAL_EVERY,
       OPT_PATIENCE, OPT_LOG, OPT_NO_HEADER };

/* Its own options; then every fitting option of the library's table
 * (fit_options.h), built by make_longopts: a new one needs no line here. */
static const struct option own_longopts[] = {
    {"algorithm", required_argument, 0, OPT_ALGORITHM},
    {"preset", required_argument, 0, OPT_PRESET},
    {"valid", required_argument, 0, OPT_VALID},
    {"metric", required_argument, 0, OPT_METRIC},
    {"valid-gain", required_argument, 0, OPT_VALID_GAIN},
    {"eval-every", required_argument, 0, OPT_EVAL_EVERY},
    {"patience", required_argument, 0, OPT_PATIENCE},
    {"log", required_argument, 0, OPT_LOG},
    {"no-header", no_argument, 0, OPT_NO_HEADER},
    {"output", required_argument, 0, 'o'}};
static const struct option tail_longopts[] = {
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    {"json", no_argument, 0, OPT_JSON},
    {"pretty", no_argument, 0, OPT_PRETTY},
    {"force", no_argument, 0, 'f'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};
#define N_OWN (sizeof own_longopts / sizeof own_longopts[0])
#define N_TAIL (sizeof tail_longopts / sizeof tail_longopts[0])
static struct option longopts[N_OWN + TREC_OPT_LIMIT + N_TAIL];

static void make_longopts(void)
{
    size_t n = 0;
    for (size_t i = 0; i < N_OWN; i++)
        longopts[n++] = own_longopts[i];
    for (int f = 0; f < TREC_OPT_LIMIT; f++) {
        const trec_fit_option_info *in = trec_fit_option_about(f);
        if (in && in->name)
            longopts[n++] = (struct option){in->name + 2,
                                            in->arg == TREC_ARG_NONE ? no_argument
                                                                     : required_argument,
                                            0, OPT_BASE + f};
    }
    for (size_t i = 0; i < N_TAIL; i++)
        longopts[n++] = tail_longopts[i];
}

/* --init MODEL without --algorithm, --preset or --loss: MODEL's own
 * algorithm and settings (its META), so that the fit continues it; a
 * closed-form model (ease: nothing to continue from) is refitted with its
 * settings. The model is read once, here, and kept for load(). */
static void start_from_init(options *o, const char *path)
{
    trec_error err;
    if (trec_model_read(path, &o->init_model, &err) != 0)
        cli_fail(&err);
    o->init_read = 1;
    int rc = trec_preset_from_model(&o->cfg, &o->init_model, o->init_opts,
                                    sizeof o->init_opts, &err);
    if (rc < 0)
        cli_die(1, "--init %s: %s: give --algorithm or --preset with it",
                trec_display_name(path), err.msg);
    o->init_refit = rc == 0;
}

/* The configuration the options start from (a first getopt pass that
 * looks at nothing else): --init's model (above), --preset, --algorithm,
 * the algorithm of --loss, or the default preset. */
static void pick_start(options *o, int argc, char **argv)
{
    const char *algorithm = NULL, *preset = NULL;
    trec_fit_config probe;
    trec_fit_config_default(&probe);
    trec_error err;
    int c, loss_given = 0;
    const char *init = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qvfhV", longopts, NULL)) != -1) {
        if (c == OPT_BASE + TREC_OPT_INIT)
            init = optarg;
        else if (c == OPT_ALGORITHM)
            algorithm = optarg;
        else if (c == OPT_PRESET)
            preset = optarg;
        else if (c == OPT_BASE + TREC_OPT_LOSS && (loss_given = 1) &&
                 trec_fit_parse_loss(optarg, &probe.loss, &err) != 0)
            cli_usage_error(err.msg, NULL);
    }
    opterr = 1;
    optind = 0; /* glibc: rescan from the start */
    if (preset && algorithm)
        cli_usage_error("--preset and --algorithm exclude each other", NULL);
    if (init && !preset && !algorithm && !loss_given) {
        start_from_init(o, init);
        return;
    }
    int rc;
    if (preset || (!algorithm && !loss_given))
        rc = trec_preset_apply(&o->cfg, preset ? preset : "default", &err);
    else
        rc = trec_fit_config_for(&o->cfg, algorithm ? algorithm
                                                    : trec_fit_algorithm_name(&probe), &err);
    if (rc != 0)
        cli_usage_error(err.msg, NULL);
}

/* Every fitting option goes through the library's table (fit_options.h),
 * which trec-tune shares; the files are read here. */
static void set_option(options *o, int opt, const char *arg)
{
    trec_error err;
    if (trec_fit_option_set(&o->cfg, opt, arg, &err) != 0)
        cli_die(2, "%s", err.msg);
    switch (opt) {
    case TREC_OPT_USER_FEATURES: o->user_features = arg; break;
    case TREC_OPT_ITEM_FEATURES: o->item_features = arg; break;
    case TREC_OPT_INIT: o->init = arg; break;
    }
}

/* ---- validation options ---- */

static void set_valid_option(valid_options *v, int c, const char *arg)
{
    trec_error err;
    v->given |= c != OPT_VALID;
    switch (c) {
    case OPT_VALID: v->file = arg; break;
    case OPT_METRIC:
        v->metric = arg;
        if (trec_metric_parse(arg, &v->vc.metric, &v->vc.k, &err) != 0)
            cli_usage_error(err.msg, NULL);
        break;
    case OPT_VALID_GAIN:
        if (strcmp(arg, "binary") == 0)
            v->vc.gain = TREC_GAIN_BINARY;
        else if (strcmp(arg, "exp") == 0)
            v->vc.gain = TREC_GAIN_EXP;
        else
            cli_usage_error("--valid-gain must be binary or exp", arg);
        break;
    case OPT_EVAL_EVERY:
        v->vc.every = (uint64_t)cli_parse_int("--eval-every", arg, 1, 1LL << 40);
        break;
    case OPT_PATIENCE:
        v->vc.patience = (uint64_t)cli_parse_int("--patience", arg, 1, 1LL << 40);
        break;
    case OPT_LOG: v->log = arg; break;
    case OPT_NO_HEADER: v->no_header = 1; break;
    }
}

static void parse_args(options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    trec_error err;
    make_longopts();
    pick_start(o, argc, argv);
    if (!(o->cfg.given & TREC_OPT(TREC_OPT_THREADS)))
        o->cfg.threads = cli_default_threads();
    trec_validation_config_default(&o->v.vc);
    int c;
    while ((c = getopt_long(argc, argv, "o:qvfhV", longopts, NULL)) != -1) {
        if (c >= OPT_BASE && c < OPT_BASE + TREC_OPT_LIMIT) {
            set_option(o, c - OPT_BASE, optarg);
            continue;
        }
        if (c >= OPT_VALID && c <= OPT_NO_HEADER) {
            set_valid_option(&o->v, c, optarg);
            continue;
        }
        switch (c) {
        case OPT_ALGORITHM: case OPT_PRESET: break; /* taken by pick_start */
        case 'o': o->out = optarg; break;
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
    if (optind >= argc)
        cli_usage_error("missing the interaction matrix (TRAIN.csr)", NULL);
    if (optind + 1 < argc)
        cli_usage_error("too many arguments", argv[optind + 1]);
    if (!o->out)
        cli_usage_error("missing -o MODEL", NULL);
    o->in = argv[optind];
    if (o->quiet && o->verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    if (o->json && strcmp(o->out, "-") == 0)
        cli_usage_error("--json prints on standard output, which -o - already uses", NULL);
    cli_refuse_binary_tty(o->out, o->force, "a model");
    if (o->init_read && !o->quiet)
        fprintf(stderr, "%s: --init %s: %s with its settings (the options given here "
                "override them): %s\n", cli_prog, trec_display_name(o->init),
                o->init_refit ? "a closed-form model (nothing to continue from), refitted"
                              : "continuing its fit", o->init_opts);
    if (o->init_refit) {
        o->cfg.given &= ~TREC_OPT(TREC_OPT_INIT);
        trec_model_free(&o->init_model);
        o->init_read = 0;
        o->init = NULL;
    }
    if (o->v.no_header && !o->v.log)
        cli_usage_error("--no-header is for the --log file, the only TSV trec-fit writes",
                        NULL);
    const char *outs[2] = {o->out, o->v.log}, *opts[2] = {"-o", "--log"};
    cli_check_outputs(2, opts, outs);
    if (o->v.given && !o->v.file)
        cli_usage_error("--metric, --valid-gain, --eval-every, --patience and --log go with "
                        "--valid FILE", NULL);
    /* Every option value and combination is checked before any file is read. */
    if (trec_fit_check(&o->cfg, &err) != 0)
        cli_usage_error(err.msg, NULL);
    if (o->v.file && o->cfg.epochs == 0 && (o->cfg.given & TREC_OPT(TREC_OPT_EPOCHS)))
        cli_usage_error("--valid needs at least one epoch to evaluate", NULL);
    const char *ins[] = {o->in, o->user_features, o->item_features, o->init, o->v.file};
    int stdin_uses = 0;
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
        stdin_uses += ins[i] && !strcmp(ins[i], "-");
    if (stdin_uses > 1)
        cli_usage_error("only one input can be '-' (stdin)", NULL);
}

/* ---- progress ---- */

typedef struct progress {
    int tty, quiet;
    double t0, last_draw;
    uint64_t every;
} progress;

static void fmt_secs(char *buf, size_t n, double s)
{
    if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

/* " ndcg@10 0.301234 (best 0.305012 at 12)" with validation, else "". */
static const char *valid_text(const trec_fit_progress *p, char *buf, size_t n)
{
    char v[TREC_METRIC_TEXT], b[TREC_METRIC_TEXT];
    buf[0] = 0;
    if (p->metric && p->best_epoch) {
        trec_format_metric(p->value, 0, v, sizeof v);
        trec_format_metric(p->best, 0, b, sizeof b);
        snprintf(buf, n, " %s %s (best %s at %llu)", p->metric, v, b,
                 (unsigned long long)p->best_epoch);
    }
    return buf;
}

static void on_epoch(void *ctx, const trec_fit_progress *p)
{
    progress *pr = ctx;
    char vt[160];
    if (pr->quiet)
        return;
    double now = cli_now(), el = now - pr->t0;
    double eta = el / (double)p->epoch * (double)(p->epochs - p->epoch);
    char els[32], etas[32];
    fmt_secs(els, sizeof els, el);
    fmt_secs(etas, sizeof etas, eta);
    if (pr->tty) {
        /* redraw at most 10 times a second, and always at the end */
        if (p->epoch != p->epochs && now - pr->last_draw < 0.1)
            return;
        pr->last_draw = now;
        char bar[31];
        int fill = (int)(30 * p->epoch / p->epochs);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r%s: [%s] epoch %llu/%llu loss %.6g%s elapsed %s eta %s \033[K",
                cli_prog, bar, (unsigned long long)p->epoch, (unsigned long long)p->epochs,
                p->loss, valid_text(p, vt, sizeof vt), els, etas);
        if (p->epoch == p->epochs || p->stop)
            fputc('\n', stderr);
    } else if (p->epoch % pr->every == 0 || p->epoch == p->epochs || p->stop) {
        fprintf(stderr, "%s: epoch %llu/%llu loss %.6g penalty %.3g%s elapsed %s eta %s\n",
                cli_prog, (unsigned long long)p->epoch, (unsigned long long)p->epochs,
                p->loss, p->penalty, valid_text(p, vt, sizeof vt), els, etas);
    }
    fflush(stderr);
}

/* ---- run ---- */

typedef struct run {
    options *o;
    trec_csr x, uf, itf;
    trec_csr uf_file, itf_file;     /* as read (uf, itf: matched to x's ids) */
    trec_model init, model;
    trec_fit_inputs inputs;
    trec_fit_result res;
    double t0;
    char preset_note[512];
    /* validation (--valid) */
    trec_csr valid, valid_file;     /* --valid matched to x's ids; as read */
    trec_validation *val;
    trec_outfile log;
    int log_staged;
} run;

/* A feature file's rows matched to the matrix's users (items) by raw id:
 * rows of ids the matrix lacks are skipped (counted), ids without a row get
 * no metadata features. */
static void read_features(const char *path, const trec_csr *x, int users, trec_csr *file,
                          trec_csr *f, int quiet)
{
    trec_error err;
    if (trec_csr_read(path, file, &err) != 0)
        cli_fail(&err);
    const char *side = users ? "user" : "item", *name = trec_display_name(path);
    uint64_t rows = users ? x->rows : x->cols;
    const trec_labels *labels = users ? &x->row_labels : &x->col_labels;
    trec_align_stats st;
    if (labels->count && file->row_labels.count) {
        if (trec_csr_align(file, name, labels, rows, NULL, 0, "the interaction matrix", f,
                           &st, &err) != 0)
            cli_fail(&err);
        if (rows && st.rows_missing == rows)
            cli_die(1, "%s: no row is labelled with an %s id of the interaction matrix "
                    "(%s features of other %ss?)", name, side, side, side);
        if (!quiet && (st.rows_skipped || st.rows_missing))
            fprintf(stderr, "%s: warning: %s: matched by ids: %llu %ss not in the "
                    "interaction matrix skipped, %llu %ss of the matrix without a row "
                    "(no metadata features)\n", cli_prog, name,
                    (unsigned long long)st.rows_skipped, side,
                    (unsigned long long)st.rows_missing, side);
    } else {
        *f = *file;   /* by position: checked below */
        memset(file, 0, sizeof *file);
    }
    if (trec_features_check(f, name, rows, labels, side, &err) != 0)
        cli_fail(&err);
}

static void load(run *r)
{
    options *o = r->o;
    trec_error err;
    if (trec_csr_read(o->in, &r->x, &err) != 0)
        cli_fail(&err);
    trec_fit_input_set(&r->inputs.interactions, trec_display_name(o->in), &r->x.file);
    if (o->user_features) {
        read_features(o->user_features, &r->x, 1, &r->uf_file, &r->uf, o->quiet);
        trec_fit_input_set(&r->inputs.user_features, trec_display_name(o->user_features),
                           r->uf_file.file.buf ? &r->uf_file.file : &r->uf.file);
    }
    if (o->item_features) {
        read_features(o->item_features, &r->x, 0, &r->itf_file, &r->itf, o->quiet);
        trec_fit_input_set(&r->inputs.item_features, trec_display_name(o->item_features),
                           r->itf_file.file.buf ? &r->itf_file.file : &r->itf.file);
    }
    if (o->init_read) { /* read by start_from_init */
        r->init = o->init_model;
        memset(&o->init_model, 0, sizeof o->init_model);
        trec_fit_input_set(&r->inputs.init, trec_display_name(o->init), &r->init.file);
    } else if (o->init) {
        if (trec_model_read(o->init, &r->init, &err) != 0)
            cli_fail(&err);
        trec_fit_input_set(&r->inputs.init, trec_display_name(o->init), &r->init.file);
    }
}

/* ---- the default preset: its choice of algorithm, from the data ---- */

static void resolve_preset(run *r)
{
    options *o = r->o;
    trec_error err;
    if (trec_preset_resolve(&o->cfg, &r->x, r->preset_note, sizeof r->preset_note, &err))
        cli_fail(&err);
    /* a choice that depends on the data is said (-q: when it fell back) */
    if (o->cfg.preset_note && (!o->quiet || trec_preset_fell_back(&o->cfg)))
        fprintf(stderr, "%s: default configuration: %s\n", cli_prog, o->cfg.preset_note);
}

/* ---- validation: --valid, the curve, --log ---- */

static void valid_open(run *r)
{
    options *o = r->o;
    trec_error err;
    if (!o->v.file)
        return;
    o->v.vc.valid = &r->valid;
    o->v.vc.name = trec_display_name(o->v.file);
    o->v.vc.file = &r->valid_file.file;
    /* Matched to the training matrix by raw ids: what it lacks is skipped. */
    trec_align_stats as;
    if (trec_csr_read(o->v.file, &r->valid_file, &err) != 0 ||
        trec_csr_align(&r->valid_file, o->v.vc.name, &r->x.row_labels, r->x.rows,
                       &r->x.col_labels, r->x.cols, "the training matrix", &r->valid, &as,
                       &err) != 0)
        cli_fail(&err);
    if (!o->quiet)
        cli_align_warning(o->v.vc.name, trec_display_name(o->in), &as);
    if (trec_validation_new(&r->val, &o->v.vc, &err) != 0)
        cli_fail(&err);
    o->cfg.validation = r->val;
}

/* The log is written completely before the model, renamed into place after. */
static void valid_stage_log(run *r)
{
    trec_error err;
    if (!r->val || !r->o->v.log)
        return;
    if (trec_outfile_open(&r->log, r->o->v.log, &err) != 0)
        cli_fail(&err);
    r->log_staged = 1;
    uint64_t n;
    const trec_validation_point *c = trec_validation_curve(r->val, &n);
    trec_validation_summary s;
    trec_validation_summarize(r->val, &s);
    if (!r->o->v.no_header)
        fprintf(r->log.fp, "epoch\tloss\tpenalty\t%s\tbest\tbest_epoch\tseconds\n", s.metric);
    double best = 0;
    uint64_t at = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!at || c[i].value > best)
            best = c[i].value, at = c[i].epoch;
        char v[TREC_METRIC_TEXT], b[TREC_METRIC_TEXT];
        trec_format_metric(c[i].value, 0, v, sizeof v);
        trec_format_metric(best, 0, b, sizeof b);
        fprintf(r->log.fp, "%llu\t%.10g\t%.10g\t%s\t%s\t%llu\t%.3f\n",
                (unsigned long long)c[i].epoch, c[i].loss, c[i].penalty, v, b,
                (unsigned long long)at, c[i].seconds);
    }
}

static void valid_commit_log(run *r)
{
    trec_error err;
    if (r->log_staged && trec_outfile_commit(&r->log, &err) != 0)
        cli_fail(&err);
    r->log_staged = 0;
}

static void valid_report(const run *r)
{
    if (!r->val)
        return;
    trec_validation_summary s;
    trec_validation_summarize(r->val, &s);
    const char *name = trec_display_name(r->o->v.file);
    char best[TREC_METRIC_TEXT], pop[TREC_METRIC_TEXT];
    trec_format_metric(s.best, 0, best, sizeof best);
    trec_format_metric(s.popular, 0, pop, sizeof pop);
    if (!r->o->quiet) {
        fprintf(stderr, "%s: validation on %s: best %s %s at epoch %llu of %llu", cli_prog,
                name, s.metric, best, (unsigned long long)s.best_epoch,
                (unsigned long long)s.epochs_run);
        if (s.stopped_early)
            fprintf(stderr, " (stopped: no improvement in %llu evaluations)",
                    (unsigned long long)r->o->v.vc.patience);
        fprintf(stderr, "; most-popular %s\n", pop);
    }
    if (s.best <= s.popular)
        fprintf(stderr, "%s: warning: the model is no better than the most-popular ranking on "
                "%s (%s %s vs %s)\n", cli_prog, name, s.metric, best, pop);
}

static void fit_and_write(run *r)
{
    options *o = r->o;
    trec_error err;
    progress pr = {.tty = isatty(2) && !o->verbose, .quiet = o->quiet, .t0 = r->t0,
                   .every = o->cfg.epochs >= 10 && !o->verbose ? o->cfg.epochs / 10 : 1};
    o->cfg.progress = on_epoch;
    o->cfg.progress_ctx = &pr;
    if (trec_fit(&o->cfg, &r->x, o->user_features ? &r->uf : NULL,
                 o->item_features ? &r->itf : NULL, o->init ? &r->init : NULL, &r->model,
                 &r->res, &err) != 0) {
        if (pr.tty && !o->quiet && pr.last_draw > 0)
            fputc('\n', stderr);
        cli_fail(&err);
    }
    char *meta = trec_fit_meta_json(&o->cfg, &r->res, &r->model, &r->inputs, &err);
    if (!meta || trec_model_own(&r->model, meta, &err) != 0)
        cli_fail(&err);
    r->model.meta_json = meta;
    valid_stage_log(r);
    if (trec_model_write(o->out, &r->model, &err) != 0) {
        if (r->log_staged)
            trec_outfile_abort(&r->log);
        cli_fail(&err);
    }
    valid_commit_log(r);
}

/* --json: the summary, with the hyper-parameters recorded in the model */
static void print_summary_json(const run *r)
{
    const options *o = r->o;
    const trec_model *m = &r->model;
    const char *algo = trec_fit_algorithm_name(&o->cfg);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "tool", cli_prog);
    cJSON_AddStringToObject(j, "input", trec_display_name(o->in));
    cJSON_AddStringToObject(j, "output", o->out);
    cJSON_AddStringToObject(j, "algorithm", algo);
    cJSON_AddStringToObject(j, "kind", trec_model_kind_name(m->kind));
    cJSON_AddNumberToObject(j, "users", (double)m->n_users);
    cJSON_AddNumberToObject(j, "items", (double)m->n_items);
    if (m->kind == TREC_MODEL_FACTORS)
        cJSON_AddNumberToObject(j, "components", (double)m->k);
    if (trec_fit_algorithm_takes(algo, TREC_OPT_LOSS)) { /* see print_summary */
        cJSON_AddStringToObject(j, "loss", trec_loss_name(o->cfg.loss));
        cJSON_AddNumberToObject(j, "final_loss", r->res.loss);
        cJSON_AddNumberToObject(j, "epochs", (double)o->cfg.epochs);
    }
    cJSON_AddNumberToObject(j, "interactions", (double)r->res.interactions);
    cJSON_AddNumberToObject(j, "seconds", round((cli_now() - r->t0) * 1000) / 1000);
    cJSON *meta = m->meta_json ? cJSON_Parse(m->meta_json) : NULL;
    if (meta)
        cJSON_AddItemToObject(j, "meta", meta);
    cli_print_json(stdout, j, o->pretty);
    cJSON_Delete(j);
}

static void print_summary(const run *r)
{
    const options *o = r->o;
    const trec_model *m = &r->model;
    if (o->json) {
        print_summary_json(r);
        return;
    }
    if (o->quiet)
        return;
    const char *algo = trec_fit_algorithm_name(&o->cfg);
    fprintf(stderr, "%s: wrote %s: ", cli_prog, trec_display_name(o->out));
    if (m->kind != TREC_MODEL_FACTORS)
        fprintf(stderr, "%s model, ", trec_model_kind_name(m->kind));
    fprintf(stderr, "%llu users, %llu items", (unsigned long long)m->n_users,
            (unsigned long long)m->n_items);
    if (m->kind == TREC_MODEL_FACTORS)
        fprintf(stderr, ", %llu components", (unsigned long long)m->k);
    /* an algorithm with a choice of loss reports it and its epochs */
    if (trec_fit_algorithm_takes(algo, TREC_OPT_LOSS))
        fprintf(stderr, ", %s loss %.6g after %llu epochs", trec_loss_name(o->cfg.loss),
                r->res.loss, (unsigned long long)r->res.model_epochs);
    else
        fprintf(stderr, ", %s", algo);
    fprintf(stderr, " (%llu interactions) in %.2f s\n",
            (unsigned long long)r->res.interactions, cli_now() - r->t0);
    if (r->res.init_grown)
        fprintf(stderr, "%s: --init %s matched by ids: %llu new users and %llu new items "
                "initialised, %llu users and %llu items of the model not in the data left "
                "out\n", cli_prog, trec_display_name(o->init),
                (unsigned long long)r->res.init_new_users,
                (unsigned long long)r->res.init_new_items,
                (unsigned long long)r->res.init_gone_users,
                (unsigned long long)r->res.init_gone_items);
}

static void release(run *r)
{
    trec_model_free(&r->model);
    trec_model_free(&r->init);
    trec_csr_free(&r->uf);
    trec_csr_free(&r->itf);
    trec_csr_free(&r->uf_file);
    trec_csr_free(&r->itf_file);
    trec_csr_free(&r->x);
    trec_validation_free(r->val);
    trec_csr_free(&r->valid);
    trec_csr_free(&r->valid_file);
}

#ifdef TREC_MPI
#include "trec_mpi.h"

/* Under an MPI launcher with more than one rank: the distributed ALS fit
 * (trec-fit(1), DISTRIBUTED FITTING). Every rank fails alike; rank 0
 * reports. */
static int run_mpi(run *r)
{
    options *o = r->o;
    trec_error err;
    trec_mpi_info in;
    int rank = trec_mpi_rank();
    progress pr = {.quiet = o->quiet || rank != 0, .t0 = r->t0,
                   .every = o->cfg.epochs >= 10 ? o->cfg.epochs / 10 : 1};
    o->cfg.progress = on_epoch;
    o->cfg.progress_ctx = &pr;
    int rc = 0;
    if (trec_preset_unresolved(&o->cfg))
        rc = trec_fail(&err, "under mpirun with more than one rank only ALS fits: give "
                       "--algorithm als (the default configuration runs in one process)");
    else if (o->v.file)
        rc = trec_fail(&err, "--valid is not distributed: fit under mpirun without it, or "
                       "validate in one process");
    if (rc == 0)
        rc = trec_mpi_fit(&o->cfg, o->in, o->init, o->out, &r->model, &r->res, &in, &err);
    if (rc != 0 && rank == 0)
        fprintf(stderr, "%s: error: %s\n", cli_prog, err.msg);
    if (rc == 0 && rank == 0 && !o->quiet) {
        print_summary(r);
        fprintf(stderr, "%s: %d ranks: %llu bytes received per iteration (all ranks), %llu "
                "before; %.3f s per iteration (%.3f s of it in MPI calls on rank 0), %.3f s "
                "before\n", cli_prog, in.ranks, (unsigned long long)in.iteration_bytes,
                (unsigned long long)in.setup_bytes, in.iteration_seconds, in.wait_seconds,
                in.setup_seconds);
    }
    trec_model_free(&r->model);
    trec_mpi_finish();
    return rc ? 1 : 0;
}
#endif

int main(int argc, char **argv)
{
    cli_prog = "trec-fit";
    options o;
    parse_args(&o, argc, argv);
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.t0 = cli_now();
#ifdef TREC_MPI
    if (trec_mpi_start(&argc, &argv) > 1)
        return run_mpi(&r);
#endif
    load(&r);
    resolve_preset(&r);
    valid_open(&r);
    fit_and_write(&r);
    valid_report(&r);
    print_summary(&r);
    release(&r);
    return 0;
}
