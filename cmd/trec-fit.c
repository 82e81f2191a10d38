/* trec-fit - fits a recommender model on an interaction matrix (see
 * trec-fit(1)). */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"

__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s TRAIN.csr -o MODEL [OPTIONS]\n"
           "Fits a model scoring user u and item i as\n"
           "  predict(user_repr[u], item_repr[i]) + user_bias[u] + item_bias[i]\n"
           "on the interaction matrix TRAIN ('-': stdin; rows users, columns items).\n"
           "\n"
           "Features:\n"
           "  --user-features F      add the metadata features of matrix file F (rows\n"
           "                         aligned to the users)\n"
           "  --item-features F      same for the items\n"
           "  --no-user-identity     no identity (indicator) feature per user\n"
           "  --no-item-identity     no identity (indicator) feature per item\n"
           "Model:\n"
           "  --components N         representation size k (default 100)\n"
           "  --user-repr R          linear (default), normalized-linear, pass-through,\n"
           "  --item-repr R          weighted-pass-through, relu\n"
           "  --hidden N             relu hidden layer size (default 4 x components)\n"
           "  --predict P            dot (default), cosine, euclidean\n"
           "  --no-biases            no learned per-feature biases\n"
           "Training:\n"
           "  --loss L               rmse (default), rmse-dense, wmrb, balanced-wmrb,\n"
           "                         separation, separation-dense\n"
           "  --sampled-items N      items sampled per step by wmrb losses (default 1%%\n"
           "                         of the items)\n"
           "  --sample-unobserved    wmrb samples only items the user has no positive\n"
           "                         interaction with (default: all items, TensorRec)\n"
           "  --min-rating X         train on interactions with value >= X only\n"
           "  --epochs N             passes over the data (default 100)\n"
           "  --learning-rate X      Adam step size (default 0.1)\n"
           "  --alpha X              L2 penalty weight (default 1e-05)\n"
           "  --batch-users N        one Adam step per N users (default: all at once)\n"
           "  --seed N               seed of initialisation and sampling (default %u)\n"
           "  --threads N            worker threads (default: online cores, at most 8)\n"
           "  --init MODEL           start from MODEL's weights (same structure)\n"
           "Output:\n"
           "  -o, --output FILE      the model file ('-': stdout)\n"
           "  -q, --quiet            no progress or summary on stderr\n"
           "  -h, --help             this help\n"
           "  -V, --version          version\n"
           "See 'man trec-fit' for the model family and the loss formulas.\n",
           cli_prog, TREC_FIT_DEFAULT_SEED);
    exit(0);
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

/* ---- inputs ---- */

static void read_features(const char *path, const trec_csr *x, int users, trec_csr *f)
{
    trec_error err;
    if (trec_csr_read(path, f, &err) != 0)
        cli_fail(&err);
    const char *side = users ? "user" : "item";
    uint64_t rows = users ? x->rows : x->cols;
    const trec_labels *labels = users ? &x->row_labels : &x->col_labels;
    if (trec_features_check(f, trec_display_name(path), rows, labels, side, &err) != 0)
        cli_fail(&err);
}

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

enum {
    OPT_USER_FEATURES = 256, OPT_ITEM_FEATURES, OPT_NO_USER_IDENTITY, OPT_NO_ITEM_IDENTITY,
    OPT_COMPONENTS, OPT_USER_REPR, OPT_ITEM_REPR, OPT_HIDDEN, OPT_PREDICT, OPT_NO_BIASES,
    OPT_LOSS, OPT_SAMPLED, OPT_UNOBSERVED, OPT_MIN_RATING, OPT_EPOCHS, OPT_LR, OPT_ALPHA, OPT_BATCH,
    OPT_SEED, OPT_THREADS, OPT_INIT
};

int main(int argc, char **argv)
{
    cli_prog = "trec-fit";
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},
        {"user-features", required_argument, 0, OPT_USER_FEATURES},
        {"item-features", required_argument, 0, OPT_ITEM_FEATURES},
        {"no-user-identity", no_argument, 0, OPT_NO_USER_IDENTITY},
        {"no-item-identity", no_argument, 0, OPT_NO_ITEM_IDENTITY},
        {"components", required_argument, 0, OPT_COMPONENTS},
        {"user-repr", required_argument, 0, OPT_USER_REPR},
        {"item-repr", required_argument, 0, OPT_ITEM_REPR},
        {"hidden", required_argument, 0, OPT_HIDDEN},
        {"predict", required_argument, 0, OPT_PREDICT},
        {"no-biases", no_argument, 0, OPT_NO_BIASES},
        {"loss", required_argument, 0, OPT_LOSS},
        {"sampled-items", required_argument, 0, OPT_SAMPLED},
        {"sample-unobserved", no_argument, 0, OPT_UNOBSERVED},
        {"min-rating", required_argument, 0, OPT_MIN_RATING},
        {"epochs", required_argument, 0, OPT_EPOCHS},
        {"learning-rate", required_argument, 0, OPT_LR},
        {"alpha", required_argument, 0, OPT_ALPHA},
        {"batch-users", required_argument, 0, OPT_BATCH},
        {"seed", required_argument, 0, OPT_SEED},
        {"threads", required_argument, 0, OPT_THREADS},
        {"init", required_argument, 0, OPT_INIT},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    trec_fit_config cfg;
    trec_fit_config_default(&cfg);
    cfg.threads = cli_default_threads();
    const char *out_path = NULL, *uf_path = NULL, *if_path = NULL, *init_path = NULL;
    int quiet = 0, c;
    const long long BIG = 1LL << 40;
    while ((c = getopt_long(argc, argv, "o:qhV", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out_path = optarg; break;
        case OPT_USER_FEATURES: uf_path = optarg; break;
        case OPT_ITEM_FEATURES: if_path = optarg; break;
        case OPT_NO_USER_IDENTITY: cfg.user_identity = 0; break;
        case OPT_NO_ITEM_IDENTITY: cfg.item_identity = 0; break;
        case OPT_COMPONENTS: cfg.components = (uint64_t)cli_parse_int("--components", optarg, 1, 1 << 20); break;
        case OPT_USER_REPR: cfg.user_repr = parse_repr("--user-repr", optarg); break;
        case OPT_ITEM_REPR: cfg.item_repr = parse_repr("--item-repr", optarg); break;
        case OPT_HIDDEN: cfg.hidden = (uint64_t)cli_parse_int("--hidden", optarg, 1, 1 << 20); break;
        case OPT_PREDICT: {
            int p = trec_predict_from_name(optarg);
            if (p < 0)
                cli_usage_error("--predict: unknown prediction (dot, cosine, euclidean)", optarg);
            cfg.predict = (uint32_t)p;
            break;
        }
        case OPT_NO_BIASES: cfg.biases = 0; break;
        case OPT_LOSS:
            cfg.loss = trec_loss_from_name(optarg);
            if (cfg.loss < 0)
                cli_usage_error("--loss: unknown loss (rmse, rmse-dense, wmrb, balanced-wmrb, "
                                "separation, separation-dense)", optarg);
            break;
        case OPT_SAMPLED: cfg.sampled_items = (uint64_t)cli_parse_int("--sampled-items", optarg, 1, BIG); break;
        case OPT_UNOBSERVED: cfg.sample_unobserved = 1; break;
        case OPT_MIN_RATING:
            cfg.has_min_rating = 1;
            cfg.min_rating = cli_parse_double("--min-rating", optarg, -1e30, 1e30);
            break;
        case OPT_EPOCHS: cfg.epochs = (uint64_t)cli_parse_int("--epochs", optarg, 0, BIG); break;
        case OPT_LR: cfg.learning_rate = cli_parse_double("--learning-rate", optarg, 1e-30, 1e30); break;
        case OPT_ALPHA: cfg.alpha = cli_parse_double("--alpha", optarg, 0, 1e30); break;
        case OPT_BATCH: cfg.batch_users = (uint64_t)cli_parse_int("--batch-users", optarg, 1, BIG); break;
        case OPT_SEED: cfg.seed = (uint64_t)cli_parse_int("--seed", optarg, 0, (long long)TREC_FIT_MAX_SEED); break;
        case OPT_THREADS: cfg.threads = (int)cli_parse_int("--threads", optarg, 1, 64); break;
        case OPT_INIT: init_path = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage();
        case 'V': cli_version(); break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    if (optind >= argc)
        cli_usage_error("missing the interaction matrix (TRAIN.csr)", NULL);
    if (optind + 1 < argc)
        cli_usage_error("too many arguments", argv[optind + 1]);
    if (!out_path)
        cli_usage_error("missing -o MODEL", NULL);
    if (cfg.hidden && cfg.user_repr != TREC_REPR_RELU && cfg.item_repr != TREC_REPR_RELU)
        cli_usage_error("--hidden needs --user-repr relu or --item-repr relu", NULL);
    if (cfg.sampled_items && !trec_loss_is_sampled(cfg.loss))
        cli_usage_error("--sampled-items only applies to --loss wmrb or balanced-wmrb", NULL);
    if (cfg.sample_unobserved && !trec_loss_is_sampled(cfg.loss))
        cli_usage_error("--sample-unobserved only applies to --loss wmrb or balanced-wmrb", NULL);
    const char *in_path = argv[optind];
    int stdin_uses = !strcmp(in_path, "-") + (uf_path && !strcmp(uf_path, "-")) +
                     (if_path && !strcmp(if_path, "-")) + (init_path && !strcmp(init_path, "-"));
    if (stdin_uses > 1)
        cli_usage_error("only one input can be '-' (stdin)", NULL);

    double t0 = cli_now();
    trec_error err;
    trec_csr x, uf = {0}, itf = {0};
    trec_model init = {0}, model;
    trec_fit_inputs inputs;
    memset(&inputs, 0, sizeof inputs);
    if (trec_csr_read(in_path, &x, &err) != 0)
        cli_fail(&err);
    trec_fit_input_set(&inputs.interactions, trec_display_name(in_path), &x.file);
    if (uf_path) {
        read_features(uf_path, &x, 1, &uf);
        trec_fit_input_set(&inputs.user_features, trec_display_name(uf_path), &uf.file);
    }
    if (if_path) {
        read_features(if_path, &x, 0, &itf);
        trec_fit_input_set(&inputs.item_features, trec_display_name(if_path), &itf.file);
    }
    if (init_path) {
        if (trec_model_read(init_path, &init, &err) != 0)
            cli_fail(&err);
        trec_fit_input_set(&inputs.init, trec_display_name(init_path), &init.file);
    }
    progress pr = {.tty = isatty(2), .quiet = quiet, .t0 = t0,
                   .every = cfg.epochs >= 10 ? cfg.epochs / 10 : 1};
    cfg.progress = on_epoch;
    cfg.progress_ctx = &pr;
    trec_fit_result res;
    if (trec_fit(&cfg, &x, uf_path ? &uf : NULL, if_path ? &itf : NULL,
                 init_path ? &init : NULL, &model, &res, &err) != 0) {
        if (pr.tty && !quiet)
            fputc('\n', stderr);
        cli_fail(&err);
    }
    char *meta = trec_fit_meta_json(&cfg, &res, &model, &inputs, &err);
    if (!meta || trec_model_own(&model, meta, &err) != 0)
        cli_fail(&err);
    model.meta_json = meta;
    if (trec_model_write(out_path, &model, &err) != 0)
        cli_fail(&err);
    if (!quiet)
        fprintf(stderr, "%s: wrote %s: %llu users, %llu items, %llu components, %s loss "
                "%.6g after %llu epochs (%llu interactions) in %.2f s\n", cli_prog,
                trec_display_name(out_path), (unsigned long long)model.n_users,
                (unsigned long long)model.n_items, (unsigned long long)model.k,
                trec_loss_name(cfg.loss), res.loss, (unsigned long long)cfg.epochs,
                (unsigned long long)res.interactions, cli_now() - t0);
    trec_model_free(&model);
    trec_model_free(&init);
    trec_csr_free(&uf);
    trec_csr_free(&itf);
    trec_csr_free(&x);
    return 0;
}
