/* trec-fit - fits a recommender model on an interaction matrix (see
 * trec-fit(1)): parse_args, run, print. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s TRAIN.csr -o MODEL [--algorithm A] [OPTIONS]\n"
           "Fits a recommender model on the interaction matrix TRAIN ('-': stdin; rows\n"
           "users, columns items) with one of the algorithms %s.\n"
           "\n"
           "Algorithms (default: tensorrec, or sgd for its losses):\n"
           "  --algorithm A          tensorrec  TensorRec's family, full batch, Adam\n"
           "                         sgd        LightFM's ranking losses, per interaction\n"
           "                         als        implicit alternating least squares\n"
           "                         ease       item-item closed form (EASE)\n"
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
           "  --confidence F         als: linear (c = 1 + s w, default) or log\n"
           "                         (c = 1 + s log(1 + w))\n"
           "  --confidence-scale S   als: the s above (default 1)\n"
           "  --solver S             als: cg (default) or cholesky\n"
           "  --cg-steps N           als: conjugate-gradient steps per row (default 3)\n"
           "  --max-memory SIZE      ease: refuse beyond SIZE bytes (K/M/G; default 8G);\n"
           "                         tensorrec: batch users beyond SIZE of samples (1G)\n"
           "  --seed N               seed of initialisation and sampling (default %u)\n"
           "  --threads N            worker threads (default: online cores, at most 8)\n"
           "  --init MODEL           tensorrec, als: start from MODEL's weights (users\n"
           "                         and items matched by raw id; new ones initialised)\n"
           "Output:\n"
           "  -o, --output FILE      the model file ('-': stdout)\n"
           "  -q, --quiet            no progress or summary on stderr\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n"
           "See 'man trec-fit' for the algorithms, their formulas and defaults.\n",
           cli_prog, trec_fit_algorithm_list(), TREC_FIT_DEFAULT_SEED);
    exit(0);
}

/* ---- options ---- */

typedef struct options {
    trec_fit_config cfg;
    const char *in, *out, *user_features, *item_features, *init;
    int quiet;
} options;

/* Long options are TREC_OPT_* + OPT_BASE, so each one is also its bit of
 * trec_fit_config.given. */
#define OPT_BASE 256
#define OPT_ALGORITHM (OPT_BASE + TREC_OPT_COUNT)

static const struct option longopts[] = {
    {"algorithm", required_argument, 0, OPT_ALGORITHM},
    {"output", required_argument, 0, 'o'},
    {"user-features", required_argument, 0, OPT_BASE + TREC_OPT_USER_FEATURES},
    {"item-features", required_argument, 0, OPT_BASE + TREC_OPT_ITEM_FEATURES},
    {"no-user-identity", no_argument, 0, OPT_BASE + TREC_OPT_NO_USER_IDENTITY},
    {"no-item-identity", no_argument, 0, OPT_BASE + TREC_OPT_NO_ITEM_IDENTITY},
    {"components", required_argument, 0, OPT_BASE + TREC_OPT_COMPONENTS},
    {"user-repr", required_argument, 0, OPT_BASE + TREC_OPT_USER_REPR},
    {"item-repr", required_argument, 0, OPT_BASE + TREC_OPT_ITEM_REPR},
    {"hidden", required_argument, 0, OPT_BASE + TREC_OPT_HIDDEN},
    {"predict", required_argument, 0, OPT_BASE + TREC_OPT_PREDICT},
    {"no-biases", no_argument, 0, OPT_BASE + TREC_OPT_NO_BIASES},
    {"loss", required_argument, 0, OPT_BASE + TREC_OPT_LOSS},
    {"sampled-items", required_argument, 0, OPT_BASE + TREC_OPT_SAMPLED_ITEMS},
    {"sample-unobserved", no_argument, 0, OPT_BASE + TREC_OPT_SAMPLE_UNOBSERVED},
    {"min-rating", required_argument, 0, OPT_BASE + TREC_OPT_MIN_RATING},
    {"other-weight", required_argument, 0, OPT_BASE + TREC_OPT_OTHER_WEIGHT},
    {"values", required_argument, 0, OPT_BASE + TREC_OPT_VALUES},
    {"epochs", required_argument, 0, OPT_BASE + TREC_OPT_EPOCHS},
    {"learning-rate", required_argument, 0, OPT_BASE + TREC_OPT_LEARNING_RATE},
    {"alpha", required_argument, 0, OPT_BASE + TREC_OPT_ALPHA},
    {"batch-users", required_argument, 0, OPT_BASE + TREC_OPT_BATCH_USERS},
    {"seed", required_argument, 0, OPT_BASE + TREC_OPT_SEED},
    {"threads", required_argument, 0, OPT_BASE + TREC_OPT_THREADS},
    {"init", required_argument, 0, OPT_BASE + TREC_OPT_INIT},
    {"lambda", required_argument, 0, OPT_BASE + TREC_OPT_LAMBDA},
    {"lambda-exponent", required_argument, 0, OPT_BASE + TREC_OPT_LAMBDA_EXPONENT},
    {"confidence", required_argument, 0, OPT_BASE + TREC_OPT_CONFIDENCE},
    {"confidence-scale", required_argument, 0, OPT_BASE + TREC_OPT_CONFIDENCE_SCALE},
    {"solver", required_argument, 0, OPT_BASE + TREC_OPT_SOLVER},
    {"cg-steps", required_argument, 0, OPT_BASE + TREC_OPT_CG_STEPS},
    {"max-memory", required_argument, 0, OPT_BASE + TREC_OPT_MAX_MEMORY},
    {"schedule", required_argument, 0, OPT_BASE + TREC_OPT_SCHEDULE},
    {"max-sampled", required_argument, 0, OPT_BASE + TREC_OPT_MAX_SAMPLED},
    {"kos-k", required_argument, 0, OPT_BASE + TREC_OPT_KOS_K},
    {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};

static uint32_t parse_repr(const char *opt, const char *s)
{
    int r = trec_repr_from_name(s);
    if (r < 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: unknown representation (linear, normalized-linear, "
                 "pass-through, weighted-pass-through, relu)", opt);
        cli_usage_error(msg, s);
    }
    return (uint32_t)r;
}

/* One of the words in names[0..n), by index. */
static int parse_word(const char *opt, const char *s, const char *const *names, int n,
                      const char *list)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    char msg[160];
    snprintf(msg, sizeof msg, "%s: unknown value (%s)", opt, list);
    cli_usage_error(msg, s);
}

static int parse_loss(const char *s)
{
    int loss = trec_loss_from_name(s);
    if (loss < 0)
        cli_usage_error("--loss: unknown loss (rmse, rmse-dense, wmrb, balanced-wmrb, "
                        "separation, separation-dense, bpr, warp, warp-kos, logistic)", s);
    return loss;
}

/* The algorithm whose defaults apply: --algorithm, else the one --loss
 * belongs to (a first getopt pass that looks at nothing else). */
static const char *pick_algorithm(int argc, char **argv)
{
    const char *algorithm = NULL;
    trec_fit_config probe;
    trec_fit_config_default(&probe);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
        if (c == OPT_ALGORITHM)
            algorithm = optarg;
        else if (c == OPT_BASE + TREC_OPT_LOSS)
            probe.loss = parse_loss(optarg);
    }
    opterr = 1;
    optind = 0; /* glibc: rescan from the start */
    return algorithm ? algorithm : trec_fit_algorithm_name(&probe);
}

static void set_option(options *o, int opt, const char *arg)
{
    trec_fit_config *cfg = &o->cfg;
    const long long BIG = 1LL << 40;
    static const char *const predicts[] = {"dot", "cosine", "euclidean"};
    static const char *const values[] = {"binary", "raw"};
    static const char *const confidences[] = {"linear", "log"};
    static const char *const solvers[] = {"cg", "cholesky"};
    static const char *const schedules[] = {"adagrad", "sgd"};
    const char *name = trec_fit_option_name(opt);
    cfg->given |= TREC_OPT(opt);
    switch (opt) {
    case TREC_OPT_USER_FEATURES: o->user_features = arg; break;
    case TREC_OPT_ITEM_FEATURES: o->item_features = arg; break;
    case TREC_OPT_NO_USER_IDENTITY: cfg->user_identity = 0; break;
    case TREC_OPT_NO_ITEM_IDENTITY: cfg->item_identity = 0; break;
    case TREC_OPT_COMPONENTS: cfg->components = (uint64_t)cli_parse_int(name, arg, 1, 1 << 20); break;
    case TREC_OPT_USER_REPR: cfg->user_repr = parse_repr(name, arg); break;
    case TREC_OPT_ITEM_REPR: cfg->item_repr = parse_repr(name, arg); break;
    case TREC_OPT_HIDDEN: cfg->hidden = (uint64_t)cli_parse_int(name, arg, 1, 1 << 20); break;
    case TREC_OPT_PREDICT:
        cfg->predict = (uint32_t)parse_word(name, arg, predicts, 3, "dot, cosine, euclidean");
        break;
    case TREC_OPT_NO_BIASES: cfg->biases = 0; break;
    case TREC_OPT_LOSS: cfg->loss = parse_loss(arg); break;
    case TREC_OPT_SAMPLED_ITEMS: cfg->sampled_items = (uint64_t)cli_parse_int(name, arg, 1, BIG); break;
    case TREC_OPT_SAMPLE_UNOBSERVED: cfg->sample_unobserved = 1; break;
    case TREC_OPT_MIN_RATING:
        cfg->has_min_rating = 1;
        cfg->min_rating = cli_parse_double(name, arg, -1e30, 1e30);
        break;
    case TREC_OPT_OTHER_WEIGHT: cfg->other_weight = cli_parse_double(name, arg, 0, 1e30); break;
    case TREC_OPT_VALUES: cfg->values = parse_word(name, arg, values, 2, "binary, raw"); break;
    case TREC_OPT_EPOCHS: cfg->epochs = (uint64_t)cli_parse_int(name, arg, 0, BIG); break;
    case TREC_OPT_LEARNING_RATE: cfg->learning_rate = cli_parse_double(name, arg, 1e-30, 1e30); break;
    case TREC_OPT_ALPHA: cfg->alpha = cli_parse_double(name, arg, 0, 1e30); break;
    case TREC_OPT_BATCH_USERS: cfg->batch_users = (uint64_t)cli_parse_int(name, arg, 1, BIG); break;
    case TREC_OPT_SEED:
        cfg->seed = (uint64_t)cli_parse_int(name, arg, 0, (long long)TREC_FIT_MAX_SEED);
        break;
    case TREC_OPT_THREADS: cfg->threads = (int)cli_parse_int(name, arg, 1, 64); break;
    case TREC_OPT_INIT: o->init = arg; break;
    case TREC_OPT_LAMBDA: cfg->lambda = cli_parse_double(name, arg, 0, 1e30); break;
    case TREC_OPT_LAMBDA_EXPONENT: cfg->lambda_exponent = cli_parse_double(name, arg, 0, 2); break;
    case TREC_OPT_CONFIDENCE:
        cfg->confidence = parse_word(name, arg, confidences, 2, "linear, log");
        break;
    case TREC_OPT_CONFIDENCE_SCALE:
        cfg->confidence_scale = cli_parse_double(name, arg, 0, 1e30);
        break;
    case TREC_OPT_SOLVER: cfg->solver = parse_word(name, arg, solvers, 2, "cg, cholesky"); break;
    case TREC_OPT_CG_STEPS: cfg->cg_steps = (uint32_t)cli_parse_int(name, arg, 1, 1000); break;
    case TREC_OPT_MAX_MEMORY: cfg->max_memory = cli_parse_size(name, arg); break;
    case TREC_OPT_SCHEDULE:
        cfg->schedule = parse_word(name, arg, schedules, 2, "adagrad, sgd");
        break;
    case TREC_OPT_MAX_SAMPLED: cfg->max_sampled = (uint32_t)cli_parse_int(name, arg, 1, 1 << 30); break;
    case TREC_OPT_KOS_K: cfg->kos_k = (uint32_t)cli_parse_int(name, arg, 1, 1 << 20); break;
    }
}

static void parse_args(options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    trec_error err;
    if (trec_fit_config_for(&o->cfg, pick_algorithm(argc, argv), &err) != 0)
        cli_usage_error(err.msg, NULL);
    o->cfg.threads = cli_default_threads();
    int c;
    while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
        if (c >= OPT_BASE && c < OPT_BASE + TREC_OPT_COUNT) {
            set_option(o, c - OPT_BASE, optarg);
            continue;
        }
        switch (c) {
        case OPT_ALGORITHM: break; /* taken by pick_algorithm */
        case 'o': o->out = optarg; break;
        case 'q': o->quiet = 1; break;
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
    /* Every option value and combination is checked before any file is read. */
    if (trec_fit_check(&o->cfg, &err) != 0)
        cli_usage_error(err.msg, NULL);
    const char *ins[] = {o->in, o->user_features, o->item_features, o->init};
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

static void on_epoch(void *ctx, const trec_fit_progress *p)
{
    progress *pr = ctx;
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
        fprintf(stderr, "\r%s: [%s] epoch %llu/%llu loss %.6g elapsed %s eta %s \033[K",
                cli_prog, bar, (unsigned long long)p->epoch, (unsigned long long)p->epochs,
                p->loss, els, etas);
        if (p->epoch == p->epochs)
            fputc('\n', stderr);
    } else if (p->epoch % pr->every == 0 || p->epoch == p->epochs) {
        fprintf(stderr, "%s: epoch %llu/%llu loss %.6g penalty %.3g elapsed %s eta %s\n",
                cli_prog, (unsigned long long)p->epoch, (unsigned long long)p->epochs,
                p->loss, p->penalty, els, etas);
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
    if (o->init) {
        if (trec_model_read(o->init, &r->init, &err) != 0)
            cli_fail(&err);
        trec_fit_input_set(&r->inputs.init, trec_display_name(o->init), &r->init.file);
    }
}

static void fit_and_write(run *r)
{
    options *o = r->o;
    trec_error err;
    progress pr = {.tty = isatty(2), .quiet = o->quiet, .t0 = r->t0,
                   .every = o->cfg.epochs >= 10 ? o->cfg.epochs / 10 : 1};
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
    if (trec_model_write(o->out, &r->model, &err) != 0)
        cli_fail(&err);
}

static void print_summary(const run *r)
{
    const options *o = r->o;
    const trec_model *m = &r->model;
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
    if (strcmp(algo, "tensorrec") == 0 || strcmp(algo, "sgd") == 0)
        fprintf(stderr, ", %s loss %.6g after %llu epochs", trec_loss_name(o->cfg.loss),
                r->res.loss, (unsigned long long)o->cfg.epochs);
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
}

int main(int argc, char **argv)
{
    cli_prog = "trec-fit";
    options o;
    parse_args(&o, argc, argv);
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    r.t0 = cli_now();
    load(&r);
    fit_and_write(&r);
    print_summary(&r);
    release(&r);
    return 0;
}
