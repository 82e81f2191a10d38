/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-recommend - the top-K items of users under a model, or the items most
 * similar to an item, as TSV or JSON (see trec-recommend(1)). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"

#define MAX_EXCLUDE 16
#define MAX_THREADS 8

static void usage(void)
{
    printf("Usage: %s MODEL (--user ID[,ID...] ... | --users FILE | --all-users) [-k K]\n"
           "                      [--exclude MATRIX]... [--allow-items FILE] [--deny-items FILE]\n"
           "                      [--titles movies.csv] [--json] [--no-header] [-o OUT]\n"
           "       %s MODEL --similar-to ITEM[,ITEM...] ... [-k K] [--titles movies.csv] ...\n"
           "The K best items for each user (raw user ids, as in the ratings), or the K\n"
           "items closest to an item under the model's prediction function, as TSV lines\n"
           "user TAB rank TAB item TAB score [TAB title], best first.\n"
           "\n"
           "  --user ID          a user (repeatable; a comma-separated list is split\n"
           "                     unless it is itself a user id)\n"
           "  --users FILE       the users listed in FILE, one id a line ('-': stdin);\n"
           "                     unknown ids are warned about and skipped (exit status 3)\n"
           "  --all-users        every user of the model, in model order\n"
           "  --similar-to ITEM  items similar to ITEM, a raw id or (with --titles) an\n"
           "                     exact title (the item itself left out)\n"
           "  --similarity cosine|dot   --similar-to with a factors model: cosine of the\n"
           "                     item representations (default) or their dot product\n"
           "  --allow-items FILE only these items (raw ids, one a line) are recommended\n"
           "  --deny-items FILE  these items are never recommended\n"
           "  --strict           an unknown id in --users, --allow-items or --deny-items\n"
           "                     is an error, not a warning\n"
           "  --liked ITEMS      fold-in: a new user who liked these items (comma-separated\n"
           "                     raw ids); its list leaves them out\n"
           "  --history FILE     fold-in: new users from lines user,item[,value] ('-':\n"
           "                     stdin; a ratings.csv works); their items are left out\n"
           "  -k, --k K          list length (default 10)\n"
           "  --exclude MATRIX   leave out the items each user has in MATRIX, e.g. the\n"
           "                     training ratings (repeatable)\n"
           "  --titles FILE      add the title column from a MovieLens movies.csv; an item\n"
           "                     without a title there is an error\n"
           "  --titles-sep SEP   the titles file is SEP-separated, id then title (ml-1m\n"
           "                     movies.dat: ::; also tab, pipe)\n"
           "  --encoding latin1  the titles file is Latin-1 (ml-1m, ml-100k), not UTF-8\n"
           "  --user-features F  users' representations from their rows of matrix F (new\n"
           "                     users are added): cold start, with a model fitted on\n"
           "                     user metadata features\n"
           "  --item-features F  the same for items (new items become candidates)\n"
           "  --json             JSON instead of TSV (one line; --pretty: indented)\n"
           "  --no-header        TSV without its header line\n"
           "  -o, --output OUT   write to OUT (atomically) instead of stdout\n"
           "  --threads N        worker threads (default: online cores, at most %d)\n"
           "  -q, --quiet        nothing on stderr but errors\n"
           "  -v, --verbose      a summary line on stderr: queries, K, time\n"
           "  -h, --help         this help\n"
           "  -V, --version      version\n"
           "See 'man trec-recommend'.\n",
           cli_prog, cli_prog, MAX_THREADS);
    exit(0);
}

typedef struct options {
    cli_common c;                   /* -o, --threads, -q */
    const char *model, *titles, *user_features, *item_features;
    const char *exclude[MAX_EXCLUDE];
    int n_exclude;
    char **user_args, **item_args;  /* --user / --similar-to arguments */
    int n_user_args, n_item_args;
    const char *liked, *history;    /* fold-in: --liked IDS / --history FILE */
    const char *users_file, *allow_items, *deny_items; /* business rules */
    trec_titles_opts titles_opts;   /* --titles-sep, --encoding */
    int strict, similarity;         /* similarity: -1 default, else enum trec_predict */
    int all_users;
    cli_output print;               /* --json, --pretty, --no-header, -v */
    uint32_t k;
} options;

enum { OPT_USER = 256, OPT_ALL_USERS, OPT_SIMILAR, OPT_EXCLUDE, OPT_TITLES,
       OPT_USER_FEATURES, OPT_ITEM_FEATURES, OPT_LIKED, OPT_HISTORY,
       OPT_USERS, OPT_ALLOW, OPT_DENY, OPT_STRICT, OPT_SIMILARITY, OPT_TITLES_SEP,
       OPT_ENCODING };

static void push_arg(char ***list, int *n, char *arg)
{
    char **l = realloc(*list, (size_t)(*n + 1) * sizeof *l);
    if (!l)
        cli_die(1, "out of memory");
    l[(*n)++] = arg;
    *list = l;
}

static void parse_args(options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"user", required_argument, 0, OPT_USER},
        {"all-users", no_argument, 0, OPT_ALL_USERS},
        {"similar-to", required_argument, 0, OPT_SIMILAR},
        {"liked", required_argument, 0, OPT_LIKED},
        {"history", required_argument, 0, OPT_HISTORY},
        {"users", required_argument, 0, OPT_USERS},
        {"allow-items", required_argument, 0, OPT_ALLOW},
        {"deny-items", required_argument, 0, OPT_DENY},
        {"strict", no_argument, 0, OPT_STRICT},
        {"similarity", required_argument, 0, OPT_SIMILARITY},
        {"titles-sep", required_argument, 0, OPT_TITLES_SEP},
        {"encoding", required_argument, 0, OPT_ENCODING},
        {"k", required_argument, 0, 'k'},
        {"exclude", required_argument, 0, OPT_EXCLUDE},
        {"titles", required_argument, 0, OPT_TITLES},
        {"user-features", required_argument, 0, OPT_USER_FEATURES},
        {"item-features", required_argument, 0, OPT_ITEM_FEATURES},
        CLI_OUTPUT_LONGOPTS,
        CLI_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    cli_common_init(&o->c);
    o->k = 10;
    o->similarity = -1;
    int c;
    while ((c = getopt_long(argc, argv, "k:" CLI_OUTPUT_SHORTOPTS CLI_COMMON_SHORTOPTS, longopts,
                            NULL)) != -1) {
        if (cli_common_option(c, optarg, &o->c, usage) || cli_output_option(c, &o->print))
            continue;
        switch (c) {
        case OPT_USER: push_arg(&o->user_args, &o->n_user_args, optarg); break;
        case OPT_ALL_USERS: o->all_users = 1; break;
        case OPT_SIMILAR: push_arg(&o->item_args, &o->n_item_args, optarg); break;
        case OPT_LIKED: o->liked = optarg; break;
        case OPT_HISTORY: o->history = optarg; break;
        case OPT_USERS: o->users_file = optarg; break;
        case OPT_ALLOW: o->allow_items = optarg; break;
        case OPT_DENY: o->deny_items = optarg; break;
        case OPT_STRICT: o->strict = 1; break;
        case OPT_TITLES_SEP: o->titles_opts.sep = optarg; break;
        case OPT_ENCODING:
            if (strcmp(optarg, "latin1") == 0 || strcmp(optarg, "latin-1") == 0 ||
                strcmp(optarg, "iso-8859-1") == 0)
                o->titles_opts.latin1 = 1;
            else if (strcmp(optarg, "utf-8") != 0 && strcmp(optarg, "utf8") != 0)
                cli_usage_error("--encoding: expected latin1 or utf-8", optarg);
            break;
        case OPT_SIMILARITY:
            if (strcmp(optarg, "cosine") == 0)
                o->similarity = TREC_PREDICT_COSINE;
            else if (strcmp(optarg, "dot") == 0)
                o->similarity = TREC_PREDICT_DOT;
            else
                cli_usage_error("--similarity: expected cosine or dot", optarg);
            break;
        case 'k': o->k = (uint32_t)cli_parse_int("-k", optarg, 1, 1000000000); break;
        case OPT_EXCLUDE:
            if (o->n_exclude == MAX_EXCLUDE)
                cli_usage_error("too many --exclude (at most 16)", optarg);
            o->exclude[o->n_exclude++] = optarg;
            break;
        case OPT_TITLES: o->titles = optarg; break;
        case OPT_USER_FEATURES: o->user_features = optarg; break;
        case OPT_ITEM_FEATURES: o->item_features = optarg; break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    if (optind == argc)
        cli_usage_error("missing MODEL", NULL);
    if (argc - optind > 1)
        cli_usage_error("one MODEL only; unexpected argument", argv[optind + 1]);
    o->model = argv[optind];
    int modes = (o->n_user_args > 0) + o->all_users + (o->n_item_args > 0) + !!o->liked +
                !!o->history + !!o->users_file;
    if (modes == 0)
        cli_usage_error("say whom to recommend for: --user ID, --users FILE, --all-users, "
                        "--similar-to ITEM, --liked ITEMS or --history FILE", NULL);
    if (modes > 1)
        cli_usage_error("--user, --users, --all-users, --similar-to, --liked and --history "
                        "exclude each other", NULL);
    if ((o->titles_opts.sep || o->titles_opts.latin1) && !o->titles)
        cli_usage_error("--titles-sep and --encoding describe the --titles file", NULL);
    if (o->titles_opts.sep && !o->titles_opts.sep[0])
        cli_usage_error("--titles-sep: empty separator", NULL);
    if (o->similarity >= 0 && !o->n_item_args)
        cli_usage_error("--similarity goes with --similar-to", NULL);

    if ((o->liked || o->history) && (o->user_features || o->item_features))
        cli_usage_error("--liked and --history fold users in from their items; feature files "
                        "do not go with them", NULL);
    if (o->n_item_args && o->n_exclude)
        cli_usage_error("--exclude removes a user's items; it does not go with --similar-to",
                        NULL);
    if (o->c.quiet && o->print.verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    if (o->print.json && o->print.no_header)
        cli_usage_error("--no-header is for TSV output, not --json", NULL);
    if (o->n_exclude && (o->user_features || o->item_features))
        cli_usage_error("--exclude goes with the model's own users and items, not with "
                        "--user-features or --item-features", NULL);
}

/* ---- looking ids up ---- */

typedef struct lookup {
    const trec_labels *labels;   /* count 0: ids are internal indices */
    trec_idmap map;              /* built at the LOOKUP_SCANS + 1st look-up */
    int has_map, scans;
    uint64_t n;
    const char *what;            /* "user" / "item" */
} lookup;

/* A few ids are found by scanning the labels (a model's 100,000 labels in
 * well under a millisecond), more through a hash map (built in tens of
 * milliseconds): a single --user query starts answering at once. A scan
 * reads on past the first match and fails on a second, as building the map
 * fails on any repeated label: the answer never depends on the path. (The
 * files' readers do not check that all labels differ: a hash set of a
 * model's 100,000 labels costs several milliseconds, a single query's
 * budget, on the test machine.) */
#define LOOKUP_SCANS 8

static void lookup_init(lookup *l, const trec_labels *labels, uint64_t n, const char *what)
{
    memset(l, 0, sizeof *l);
    l->labels = labels;
    l->n = n;
    l->what = what;
}

/* The internal index of raw id s[0..n), or -1. */
static int64_t lookup_find(lookup *l, const char *s, size_t n)
{
    if (l->labels->count && !l->has_map && l->scans < LOOKUP_SCANS) {
        l->scans++;
        int64_t found = -1;
        for (uint64_t i = 0; i < l->labels->count; i++) {
            size_t ln;
            const char *t = trec_label(l->labels, i, &ln);
            if (ln != n || memcmp(t, s, n) != 0)
                continue;
            if (found >= 0) /* the words of trec_idmap_from_labels */
                cli_die(1, "duplicate label \"%.*s\" (labels %lld and %llu)",
                        (int)(n > 200 ? 200 : n), s, (long long)found, (unsigned long long)i);
            found = (int64_t)i;
        }
        return found;
    }
    if (l->labels->count && !l->has_map) {
        trec_error err;
        if (trec_idmap_from_labels(&l->map, l->labels, &err) != 0)
            cli_fail(&err);
        l->has_map = 1;
    }
    if (l->labels->count)
        return trec_idmap_find(&l->map, s, n);
    /* A model without labels: ids are the internal indices 0, 1, ... */
    char buf[32], *end;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    return *end || buf[0] == '-' || buf[0] == '+' || v >= l->n ? -1 : (int64_t)v;
}

/* The item of exact title s[0..n) in titles (NULL: none), or -1 if no
 * title is s; an error if several are, or if the model lacks the item. */
static int64_t find_title(lookup *l, const trec_titles *titles, const char *tname,
                          const char *model, const char *s, size_t n)
{
    const char *id;
    size_t idlen;
    uint64_t hits = titles ? trec_titles_find_title(titles, s, n, &id, &idlen) : 0;
    if (hits == 0)
        return -1;
    if (hits > 1)
        cli_die(1, "%s: %llu items have the title '%.*s': give the item id", tname,
                (unsigned long long)hits, (int)n, s);
    int64_t i = lookup_find(l, id, idlen);
    if (i < 0)
        cli_die(1, "%s: no item '%.*s' (title '%.*s' in %s) in the model", model, (int)idlen,
                id, (int)n, s, tname);
    return i;
}

/* Adds the ids of one --user / --similar-to argument to *q; --similar-to
 * also takes exact titles when titles is not NULL. */
static void resolve_arg(lookup *l, const char *model, const char *arg, uint64_t **q,
                        uint64_t *nq, const trec_titles *titles, const char *tname)
{
    /* The whole argument may itself be an id or a title (both may contain
     * commas). */
    int64_t whole = lookup_find(l, arg, strlen(arg));
    if (whole < 0)
        whole = find_title(l, titles, tname, model, arg, strlen(arg));
    const char *p = arg;
    for (;;) {
        const char *comma = whole >= 0 ? NULL : strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int64_t id = whole >= 0 ? whole : lookup_find(l, p, n);
        if (id < 0)
            id = find_title(l, titles, tname, model, p, n);
        if (id < 0)
            cli_die(1, "%s: no %s '%.*s' in the model (%llu %ss)%s", model, l->what, (int)n, p,
                    (unsigned long long)l->n, l->what,
                    l->what[0] == 'i' && !titles ? "; a title needs --titles" : "");
        uint64_t *nqs = realloc(*q, (*nq + 1) * sizeof *nqs);
        if (!nqs)
            cli_die(1, "out of memory");
        nqs[(*nq)++] = (uint64_t)id;
        *q = nqs;
        if (!comma)
            break;
        p = comma + 1;
    }
}

/* ---- output ---- */

typedef struct out_ctx {
    const options *o;
    const trec_model *m;
    const trec_labels *qlabels;
    const uint64_t *queries;
    const trec_topk_lists *lists;
    const trec_titles *titles;
    int similar;
} out_ctx;

/* Decimal text of v ending at end (a million lines: printf per field would
 * cost more than the scoring); returns where it starts. */
static char *utoa(uint64_t v, char *end)
{
    char *p = end;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

static void label_of(const trec_labels *l, uint64_t i, char *buf, size_t size,
                     const char **s, size_t *n)
{
    if (l->count) {
        *s = trec_label(l, i, n);
    } else {
        *s = utoa(i, buf + size);
        *n = (size_t)(buf + size - *s);
    }
}

/* Every listed item must have a title: checked before anything is printed. */
static void check_titles(const out_ctx *c)
{
    const trec_labels *il = &c->m->item_labels;
    for (uint64_t q = 0; q < c->lists->n_queries; q++)
        for (uint32_t r = 0; r < c->lists->len[q]; r++) {
            char buf[32];
            const char *s;
            size_t n, tl;
            label_of(il, c->lists->items[q * c->lists->k + r], buf, sizeof buf, &s, &n);
            if (!trec_titles_find(c->titles, s, n, &tl))
                cli_die(1, "%s: no title for item '%.*s' (the titles file does not match "
                        "the ratings the model was trained on)",
                        trec_display_name(c->o->titles), (int)n, s);
        }
}

static void print_tsv(const out_ctx *c, FILE *f)
{
    if (!c->o->print.no_header)
        fprintf(f, "%s\trank\titem\tscore%s\n", c->similar ? "query" : "user",
                c->titles ? "\ttitle" : "");
    const trec_labels *il = &c->m->item_labels;
    for (uint64_t q = 0; q < c->lists->n_queries; q++) {
        char qb[32], ib[32], sb[32], rb[16];
        const char *qs, *is;
        size_t qn, in;
        label_of(c->qlabels, c->queries[q], qb, sizeof qb, &qs, &qn);
        for (uint32_t r = 0; r < c->lists->len[q]; r++) {
            uint64_t at = q * c->lists->k + r;
            label_of(il, c->lists->items[at], ib, sizeof ib, &is, &in);
            size_t sn = trec_format_float(c->lists->scores[at], sb, sizeof sb);
            const char *rs = utoa(r + 1, rb + sizeof rb);
            fwrite_unlocked(qs, 1, qn, f);
            putc_unlocked('\t', f);
            fwrite_unlocked(rs, 1, (size_t)(rb + sizeof rb - rs), f);
            putc_unlocked('\t', f);
            fwrite_unlocked(is, 1, in, f);
            putc_unlocked('\t', f);
            fwrite_unlocked(sb, 1, sn, f);
            if (c->titles) {
                size_t tl;
                const char *t = trec_titles_find(c->titles, is, in, &tl);
                putc_unlocked('\t', f);
                fwrite_unlocked(t, 1, tl, f);
            }
            putc_unlocked('\n', f);
        }
    }
}

static cJSON *json_string(const char *s, size_t n)
{
    char *z = strndup(s, n);
    if (!z)
        cli_die(1, "out of memory");
    cJSON *j = cJSON_CreateString(z);
    free(z);
    return j;
}

static void print_json(const out_ctx *c, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", trec_display_name(c->o->model));
    cJSON_AddStringToObject(root, "predict", trec_predict_name(c->m->predict));
    cJSON_AddNumberToObject(root, "k", c->o->k);
    cJSON *ex = cJSON_AddArrayToObject(root, "exclude");
    for (int e = 0; e < c->o->n_exclude; e++)
        cJSON_AddItemToArray(ex, cJSON_CreateString(trec_display_name(c->o->exclude[e])));
    cJSON *results = cJSON_AddArrayToObject(root, "results");
    const trec_labels *il = &c->m->item_labels;
    for (uint64_t q = 0; q < c->lists->n_queries; q++) {
        char qb[32], ib[32];
        const char *qs, *is;
        size_t qn, in;
        cJSON *ro = cJSON_CreateObject();
        label_of(c->qlabels, c->queries[q], qb, sizeof qb, &qs, &qn);
        cJSON_AddItemToObject(ro, c->similar ? "query" : "user", json_string(qs, qn));
        cJSON *items = cJSON_AddArrayToObject(ro, "items");
        for (uint32_t r = 0; r < c->lists->len[q]; r++) {
            uint64_t at = q * c->lists->k + r;
            cJSON *io = cJSON_CreateObject();
            label_of(il, c->lists->items[at], ib, sizeof ib, &is, &in);
            cJSON_AddNumberToObject(io, "rank", r + 1);
            cJSON_AddItemToObject(io, "item", json_string(is, in));
            /* the TSV's text: the shortest that reads back as the same float */
            cJSON_AddItemToObject(io, "score", trec_json_score(c->lists->scores[at]));
            if (c->titles) {
                size_t tl;
                const char *t = trec_titles_find(c->titles, is, in, &tl);
                cJSON_AddItemToObject(io, "title", json_string(t, tl));
            }
            cJSON_AddItemToArray(items, io);
        }
        cJSON_AddItemToArray(results, ro);
    }
    cli_print_json(f, root, c->o->print.pretty);
    cJSON_Delete(root);
}

/* ---- run ---- */

typedef struct run {
    options *o;
    trec_model file_model, m;       /* as read; with cold-start features applied */
    trec_csr uf, itf;
    lookup users, items;
    uint64_t *queries, nq;
    trec_csr excl_file[MAX_EXCLUDE], excl[MAX_EXCLUDE]; /* as read; matched to the model */
    const trec_csr *excl_p[MAX_EXCLUDE];
    trec_titles titles;
    trec_history hist;              /* --liked / --history */
    trec_csr hist_excl[MAX_EXCLUDE];/* its users' rows of the --exclude matrices */
    uint8_t *candidates;            /* --allow-items / --deny-items: items ranked */
    uint64_t unknown_ids;           /* ids skipped (--users, --allow/--deny-items) */
    trec_scorer s;
    trec_topk_lists lists;
} run;

static void load(run *r)
{
    options *o = r->o;
    trec_error err;
    /* cold start needs the learned feature weights; scoring alone does not,
     * and ranking a few known users reads only their rows of the user
     * section (resolve_queries checks them) */
    int few_users = !o->all_users && !o->liked && !o->history && o->n_item_args == 0;
    if ((o->user_features || o->item_features ? trec_model_read
         : few_users                          ? trec_model_map_queries
                                              : trec_model_map)(o->model, &r->file_model,
                                                                &err) != 0)
        cli_fail(&err);
    if ((o->user_features && trec_csr_read(o->user_features, &r->uf, &err) != 0) ||
        (o->item_features && trec_csr_read(o->item_features, &r->itf, &err) != 0) ||
        trec_coldstart_apply(&r->file_model, o->user_features ? &r->uf : NULL,
                             o->user_features ? trec_display_name(o->user_features) : NULL,
                             o->item_features ? &r->itf : NULL,
                             o->item_features ? trec_display_name(o->item_features) : NULL,
                             &r->m, &err) != 0)
        cli_fail(&err);
    for (int e = 0; e < o->n_exclude; e++) {
        /* Matched by ids to the model's items, and to its users unless the
         * users are folded in (their rows are then found by raw id). */
        int fold = o->liked || o->history;
        trec_align_stats as;
        const char *ename = trec_display_name(o->exclude[e]), *mname = trec_display_name(o->model);
        if (trec_csr_read(o->exclude[e], &r->excl_file[e], &err) != 0 ||
            trec_csr_align(&r->excl_file[e], ename, fold ? NULL : &r->m.user_labels,
                           r->m.n_users, &r->m.item_labels, r->m.n_items, mname, &r->excl[e],
                           &as, &err) != 0)
            cli_fail(&err);
        if (!o->c.quiet)
            cli_align_warning(ename, mname, &as);
        r->excl_p[e] = &r->excl[e];
    }
    if (o->titles && trec_titles_read_opts(o->titles, &o->titles_opts, &r->titles, &err) != 0)
        cli_fail(&err);
}

/* Fold-in: the history's users, weighted as the model's training was. */
static void read_history(run *r)
{
    options *o = r->o;
    trec_error err;
    int rc = o->liked ? trec_history_liked(&r->hist, &r->m, o->liked, &err)
                      : trec_history_read(&r->hist, &r->m, o->history, &err);
    if (rc != 0 || trec_history_weights(&r->hist, &r->m, &err) != 0)
        cli_fail(&err);
    const trec_history *h = &r->hist;
    if (h->unknown && !o->c.quiet) {
        char where[48] = "";
        if (h->first_unknown_line)
            snprintf(where, sizeof where, ", line %llu", (unsigned long long)h->first_unknown_line);
        fprintf(stderr, "%s: warning: %llu history item%s not in %s, skipped (first: '%s'%s)\n",
                cli_prog, (unsigned long long)h->unknown, h->unknown == 1 ? "" : "s",
                trec_display_name(o->model), h->first_unknown, where);
    }
    r->queries = malloc((h->h.rows ? h->h.rows : 1) * sizeof *r->queries);
    if (!r->queries)
        cli_die(1, "out of memory");
    for (uint64_t u = 0; u < h->h.rows; u++)
        r->queries[r->nq++] = u;
}

static uint64_t read_ids(run *r, const char *path, const trec_labels *labels, uint64_t n,
                         const char *what, int64_t **idx);

/* Who to rank for: every user, or the --user / --users / --similar-to ids. */
static void resolve_queries(run *r)
{
    options *o = r->o;
    if (o->liked || o->history) {
        read_history(r);
        return;
    }
    const trec_model *m = &r->m;
    const char *mname = trec_display_name(o->model);
    lookup_init(&r->users, &m->user_labels, m->n_users, "user");
    lookup_init(&r->items, &m->item_labels, m->n_items, "item");
    if (o->all_users) {
        r->queries = malloc((m->n_users ? m->n_users : 1) * sizeof *r->queries);
        if (!r->queries)
            cli_die(1, "out of memory");
        for (uint64_t u = 0; u < m->n_users; u++)
            r->queries[r->nq++] = u;
    }
    for (int i = 0; i < o->n_user_args; i++)
        resolve_arg(&r->users, mname, o->user_args[i], &r->queries, &r->nq, NULL, NULL);
    for (int i = 0; i < o->n_item_args; i++)
        resolve_arg(&r->items, mname, o->item_args[i], &r->queries, &r->nq,
                    o->titles ? &r->titles : NULL,
                    o->titles ? trec_display_name(o->titles) : NULL);
    if (o->users_file) {
        int64_t *idx;
        uint64_t n = read_ids(r, o->users_file, &m->user_labels, m->n_users, "user", &idx);
        r->queries = malloc((n ? n : 1) * sizeof *r->queries);
        if (!r->queries)
            cli_die(1, "out of memory");
        for (uint64_t i = 0; i < n; i++)
            if (idx[i] >= 0)
                r->queries[r->nq++] = (uint64_t)idx[i];
        free(idx);
    }
    trec_error err;
    if (o->n_item_args == 0 && trec_model_use_users(&r->file_model, r->queries, r->nq, &err) != 0)
        cli_fail(&err);
}

/* Reads a list of raw ids and looks them up: idx[i] the index of the i-th,
 * -1 if unknown (warned and counted; fatal with --strict). Returns the
 * count. */
static uint64_t read_ids(run *r, const char *path, const trec_labels *labels, uint64_t n,
                         const char *what, int64_t **idx)
{
    trec_error err;
    trec_idlist l;
    uint64_t unknown;
    int64_t first;
    if (trec_idlist_read(path, &l, &err) != 0 ||
        trec_idlist_lookup(&l, labels, n, idx, &unknown, &first, &err) != 0)
        cli_fail(&err);
    if (unknown) {
        size_t len;
        const char *s = trec_label(&l.ids, (uint64_t)first, &len);
        const char *name = trec_display_name(path), *model = trec_display_name(r->o->model);
        if (r->o->strict)
            cli_die(1, "%s:%llu: no %s '%.*s' in %s (--strict)", name,
                    (unsigned long long)l.line[first], what, (int)len, s, model);
        if (!r->o->c.quiet)
            fprintf(stderr, "%s: warning: %s: %llu %s id%s not in %s, skipped (first: '%.*s', "
                    "line %llu)\n", cli_prog, name, (unsigned long long)unknown, what,
                    unknown == 1 ? "" : "s", model, (int)len, s,
                    (unsigned long long)l.line[first]);
        r->unknown_ids += unknown;
    }
    uint64_t count = l.ids.count;
    trec_idlist_free(&l);
    return count;
}

/* --allow-items / --deny-items: the items ranked for every query. */
static void business_rules(run *r)
{
    options *o = r->o;
    if (!o->allow_items && !o->deny_items)
        return;
    const trec_model *m = &r->m;
    r->candidates = malloc(m->n_items ? m->n_items : 1);
    if (!r->candidates)
        cli_die(1, "out of memory");
    memset(r->candidates, o->allow_items ? 0 : 1, m->n_items);
    int64_t *idx;
    if (o->allow_items) {
        uint64_t n = read_ids(r, o->allow_items, &m->item_labels, m->n_items, "item", &idx);
        for (uint64_t i = 0; i < n; i++)
            if (idx[i] >= 0)
                r->candidates[idx[i]] = 1;
        free(idx);
    }
    if (o->deny_items) {
        uint64_t n = read_ids(r, o->deny_items, &m->item_labels, m->n_items, "item", &idx);
        for (uint64_t i = 0; i < n; i++)
            if (idx[i] >= 0)
                r->candidates[idx[i]] = 0;
        free(idx);
    }
}

static void rank(run *r)
{
    options *o = r->o;
    trec_error err;
    int similar = o->n_item_args > 0, fold = o->liked || o->history;
    /* Similar items by --similarity (-1: the model kind's default), which
     * the kind may refuse: a usage error. */
    const trec_model *m = &r->m;
    if (similar && trec_scorer_check_similarity(m, o->similarity, &err) != 0)
        cli_die(2, "--similarity: %s", err.msg);
    int rc = fold      ? trec_scorer_for_histories(&r->s, m, &r->hist.h, &err)
             : similar ? trec_scorer_for_items(&r->s, m, o->similarity, &err)
                       : trec_scorer_for_users(&r->s, m, &err);
    if (rc != 0)
        cli_fail(&err);
    /* A folded-in user's own items, and its rows of the --exclude matrices
     * matched by raw user id. */
    const trec_csr *own[1 + MAX_EXCLUDE] = {&r->hist.h};
    for (int e = 0; fold && e < o->n_exclude; e++) {
        if (trec_history_rows_of(&r->hist_excl[e], &r->hist, &r->excl[e], &err) != 0)
            cli_fail(&err);
        own[1 + e] = &r->hist_excl[e];
    }
    trec_topk_request req = {.scorer = &r->s, .queries = r->queries, .n_queries = r->nq,
                             .k = o->k, .exclude = fold ? own : r->excl_p,
                             .n_exclude = fold ? 1 + o->n_exclude : o->n_exclude,
                             .exclude_self = similar, .threads = o->c.threads,
                             .candidates = r->candidates};
    if (trec_topk_run(&req, &r->lists, &err) != 0)
        cli_fail(&err);
    uint64_t bad = trec_topk_lists_nonfinite(&r->lists);
    if (bad && !o->c.quiet) /* printed all the same: the lists are the model's */
        fprintf(stderr, "%s: warning: %s: %llu listed score%s overflowed single precision "
                "(inf, or -inf for NaN): the model's weights are too large; among them items "
                "are in id order\n", cli_prog, trec_display_name(o->model),
                (unsigned long long)bad, bad == 1 ? "" : "s");
}

static void print(run *r)
{
    options *o = r->o;
    trec_error err;
    int similar = o->n_item_args > 0;
    const trec_labels *ql = o->liked || o->history ? &r->hist.users
                            : similar              ? &r->m.item_labels
                                                   : &r->m.user_labels;
    out_ctx c = {.o = o, .m = &r->m, .qlabels = ql,
                 .queries = r->queries, .lists = &r->lists,
                 .titles = o->titles ? &r->titles : NULL, .similar = similar};
    if (c.titles)
        check_titles(&c);
    trec_outfile out;
    if (trec_outfile_open(&out, o->c.out, &err) != 0)
        cli_fail(&err);
    if (o->print.json)
        print_json(&c, out.fp);
    else
        print_tsv(&c, out.fp);
    if (trec_outfile_commit(&out, &err) != 0)
        cli_fail(&err);
}

static void release(run *r)
{
    options *o = r->o;
    trec_topk_lists_free(&r->lists);
    trec_scorer_free(&r->s);
    if (o->titles)
        trec_titles_free(&r->titles);
    for (int e = 0; e < o->n_exclude; e++)
        trec_csr_free(&r->excl[e]), trec_csr_free(&r->hist_excl[e]),
            trec_csr_free(&r->excl_file[e]);
    if (r->users.has_map)
        trec_idmap_free(&r->users.map);
    if (r->items.has_map)
        trec_idmap_free(&r->items.map);
    free(r->queries);
    free(r->candidates);
    trec_history_free(&r->hist);
    free(o->user_args);
    free(o->item_args);
    trec_model_free(&r->m);
    trec_csr_free(&r->uf);
    trec_csr_free(&r->itf);
    trec_model_free(&r->file_model);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-recommend";
    options o;
    parse_args(&o, argc, argv);
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    double t0 = cli_now();
    cli_step(o.c.quiet, "reading %s", o.model);
    load(&r);
    resolve_queries(&r);
    business_rules(&r);
    cli_step(o.c.quiet, "ranking");
    rank(&r);
    cli_step_end(o.c.quiet);
    print(&r);
    if (o.print.verbose)
        fprintf(stderr, "%s: %llu %s, top %u, %d threads, %.2f s\n", cli_prog,
                (unsigned long long)r.lists.n_queries,
                o.n_item_args ? "queried items" : "users", o.k, o.c.threads, cli_now() - t0);
    int skipped = r.unknown_ids > 0;
    release(&r);
    /* Done, but ids given were not in the model (warned and skipped). */
    return skipped ? 3 : 0;
}
