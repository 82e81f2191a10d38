/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-info - describes trec files (matrix or model) in text or JSON, or
 * dumps a matrix as TSV (see trec-info(1)). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>

#include "cli.h"


__attribute__((noreturn)) static void usage(void)
{
    printf("Usage: %s [--json [--pretty]] [-o OUT] [-q|-v] FILE...\n"
           "       %s --dump [--no-labels] [--header] [-o OUT] FILE\n"
           "Describes trec files ('-': stdin): kind, version, shape, values, entries per\n"
           "row and column, time range, labels, sections and checksums.\n"
           "\n"
           "  --json           the description as JSON: one object per file, each on one\n"
           "                   line (JSON Lines)\n"
           "  --pretty         with --json: indented objects, for people\n"
           "  --dump           every entry of the matrix FILE as TSV lines:\n"
           "                   row_label TAB col_label TAB value [TAB timestamp]\n"
           "  --no-labels      with --dump: internal row and column indices, not labels\n"
           "  --header         with --dump: first a header line (row_label, col_label,\n"
           "                   value[, timestamp])\n"
           "  -q, --quiet      no summary on stderr (the default)\n"
           "  -v, --verbose    a summary line on stderr: files described, time\n"
           "  -o, --output OUT write to OUT (atomically) instead of stdout\n"
           "  -h, --help       this help\n"
           "  -V, --version    version\n"
           "See 'man trec-info'.\n",
           cli_prog, cli_prog);
    exit(0);
}

/* ---- kind-specific parts ------------------------------------------------
 * A file's description is: the container head (file, kind, version, size),
 * then the part for its kind, then the section list. Each kind has a loader
 * (which validates everything before anything is printed, so a bad file gives
 * an error and no half description) and a text and a JSON printer. A kind
 * without an entry gets the head and section list only. */

typedef struct kind_printer {
    uint32_t kind;
    void *(*load)(trec_container *c, trec_error *err); /* takes ownership of c */
    void (*text)(const void *info, FILE *out);
    void (*json)(const void *info, cJSON *obj);
    void (*release)(void *info);
} kind_printer;

typedef struct matrix_info {
    trec_csr m;
    trec_matrix_stats s;
} matrix_info;

static void *matrix_load(trec_container *c, trec_error *err)
{
    matrix_info *mi = trec_calloc(1, sizeof *mi, err);
    if (!mi) {
        trec_container_free(c);
        return NULL;
    }
    if (trec_csr_from_container(c, &mi->m, err) != 0) {
        free(mi);
        return NULL;
    }
    if (trec_matrix_stats_compute(&mi->m, &mi->s, err) != 0) {
        trec_csr_free(&mi->m);
        free(mi);
        return NULL;
    }
    return mi;
}

static void matrix_release(void *info)
{
    matrix_info *mi = info;
    trec_csr_free(&mi->m);
    free(mi);
}

static const char *ftext(float v, char buf[32])
{
    trec_format_float(v, buf, 32);
    return buf;
}

static void text_labels(FILE *out, const char *what, const trec_labels *l, const char *dim)
{
    trec_labels_describe_text(out, what, l, dim);
}

static void text_counts(FILE *out, const char *what, const trec_count_summary *c)
{
    fprintf(out, "%-12smin %llu, median %g, max %llu\n", what, (unsigned long long)c->min,
            c->median, (unsigned long long)c->max);
}

static void matrix_text(const void *info, FILE *out)
{
    const matrix_info *mi = info;
    const trec_matrix_stats *s = &mi->s;
    char a[32], b[32];
    fprintf(out, "shape:      %llu rows x %llu columns\n", (unsigned long long)s->rows,
            (unsigned long long)s->cols);
    fprintf(out, "nnz:        %llu\n", (unsigned long long)s->nnz);
    fprintf(out, "density:    %g\n", s->density);
    if (s->nnz)
        fprintf(out, "values:     min %s, max %s, mean %g\n", ftext(s->vmin, a),
                ftext(s->vmax, b), s->vmean);
    else
        fprintf(out, "values:     none\n");
    if (s->distinct_over) {
        fprintf(out, "distinct:   more than %d\n", TREC_STATS_MAX_DISTINCT);
    } else {
        fprintf(out, "distinct:   %llu%s", (unsigned long long)s->distinct,
                s->distinct ? ":" : "");
        for (uint64_t i = 0; i < s->distinct; i++)
            fprintf(out, " %s", ftext(s->distinct_values[i], a));
        fputc('\n', out);
    }
    fprintf(out, "empty rows: %llu\n", (unsigned long long)s->empty_rows);
    fprintf(out, "empty cols: %llu\n", (unsigned long long)s->empty_cols);
    text_counts(out, "per row:", &s->per_row);
    text_counts(out, "per column:", &s->per_col);
    if (!s->has_times)
        fprintf(out, "time:       none (no timestamps)\n");
    else if (!s->nnz)
        fprintf(out, "time:       none (no entries)\n");
    else
        fprintf(out, "time:       %s .. %s (%lld .. %lld)\n", trec_format_time(s->tmin, a, 32),
                trec_format_time(s->tmax, b, 32), (long long)s->tmin, (long long)s->tmax);
    text_labels(out, "row labels:", &mi->m.row_labels, "rows");
    text_labels(out, "col labels:", &mi->m.col_labels, "columns");
}

/* A float as the JSON number of its shortest text (0.1, not 0.100000001). */
static cJSON *json_float(float v)
{
    return trec_json_float(v);
}

static cJSON *json_counts(const trec_count_summary *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "min", (double)c->min);
    cJSON_AddNumberToObject(o, "median", c->median);
    cJSON_AddNumberToObject(o, "max", (double)c->max);
    return o;
}

static cJSON *json_labels(const trec_labels *l)
{
    return trec_labels_describe_json(l);
}

static void matrix_json(const void *info, cJSON *obj)
{
    const matrix_info *mi = info;
    const trec_matrix_stats *s = &mi->s;
    cJSON_AddNumberToObject(obj, "rows", (double)s->rows);
    cJSON_AddNumberToObject(obj, "cols", (double)s->cols);
    cJSON_AddNumberToObject(obj, "nnz", (double)s->nnz);
    cJSON_AddNumberToObject(obj, "density", s->density);
    cJSON *v = cJSON_AddObjectToObject(obj, "values");
    if (s->nnz) {
        cJSON_AddItemToObject(v, "min", json_float(s->vmin));
        cJSON_AddItemToObject(v, "max", json_float(s->vmax));
        cJSON_AddNumberToObject(v, "mean", s->vmean);
    } else {
        cJSON_AddNullToObject(v, "min");
        cJSON_AddNullToObject(v, "max");
        cJSON_AddNullToObject(v, "mean");
    }
    if (s->distinct_over) {
        cJSON_AddNullToObject(v, "distinct");
        cJSON_AddNullToObject(v, "distinct_values");
    } else {
        cJSON_AddNumberToObject(v, "distinct", (double)s->distinct);
        cJSON *dv = cJSON_AddArrayToObject(v, "distinct_values");
        for (uint64_t i = 0; i < s->distinct; i++)
            cJSON_AddItemToArray(dv, json_float(s->distinct_values[i]));
    }
    cJSON_AddNumberToObject(obj, "empty_rows", (double)s->empty_rows);
    cJSON_AddNumberToObject(obj, "empty_cols", (double)s->empty_cols);
    cJSON_AddItemToObject(obj, "entries_per_row", json_counts(&s->per_row));
    cJSON_AddItemToObject(obj, "entries_per_col", json_counts(&s->per_col));
    if (s->has_times && s->nnz) {
        char buf[32];
        cJSON *t = cJSON_AddObjectToObject(obj, "time");
        cJSON_AddNumberToObject(t, "min", (double)s->tmin);
        cJSON_AddNumberToObject(t, "max", (double)s->tmax);
        cJSON_AddStringToObject(t, "min_iso", trec_format_time(s->tmin, buf, sizeof buf));
        cJSON_AddStringToObject(t, "max_iso", trec_format_time(s->tmax, buf, sizeof buf));
    } else {
        cJSON_AddNullToObject(obj, "time");
    }
    cJSON_AddItemToObject(obj, "row_labels", json_labels(&mi->m.row_labels));
    cJSON_AddItemToObject(obj, "col_labels", json_labels(&mi->m.col_labels));
}

/* ---- model files ---- */

static void *model_load(trec_container *c, trec_error *err)
{
    trec_model *m = trec_calloc(1, sizeof *m, err);
    if (!m) {
        trec_container_free(c);
        return NULL;
    }
    if (trec_model_from_container(c, m, err) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

static void model_release(void *info)
{
    trec_model_free(info);
    free(info);
}

static void model_text(const void *info, FILE *out)
{
    trec_model_describe(info, out, NULL);
}

static void model_json(const void *info, cJSON *obj)
{
    trec_model_describe(info, NULL, obj);
}

static const kind_printer printers[] = {
    {TREC_KIND_MATRIX, matrix_load, matrix_text, matrix_json, matrix_release},
    {TREC_KIND_MODEL, model_load, model_text, model_json, model_release},
};

static const kind_printer *printer_for(uint32_t kind)
{
    for (size_t i = 0; i < sizeof printers / sizeof printers[0]; i++)
        if (printers[i].kind == kind)
            return &printers[i];
    return NULL;
}

/* ---- the container head and section list, common to every kind -------- */

static void head_text(FILE *out, const char *name, const trec_container *c)
{
    fprintf(out, "file:       %s\n", name);
    fprintf(out, "kind:       %s\n", trec_kind_name(c->kind));
    fprintf(out, "version:    %u\n", c->version);
    fprintf(out, "size:       %zu bytes\n", c->len);
}

static void sections_text(FILE *out, const trec_container *c)
{
    fprintf(out, "sections:   %u\n", c->count);
    for (uint32_t i = 0; i < c->count; i++) {
        char tag[5];
        trec_tag_name(c->sections[i].tag, tag);
        fprintf(out, "  %s  offset %-10llu size %-10llu crc32 %08x\n", tag,
                (unsigned long long)c->sections[i].offset,
                (unsigned long long)c->sections[i].size, c->sections[i].crc);
    }
    fprintf(out, "checksum:   ok\n");
}

static cJSON *head_json(const char *name, const trec_container *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", name);
    cJSON_AddStringToObject(o, "kind", trec_kind_name(c->kind));
    cJSON_AddNumberToObject(o, "version", c->version);
    cJSON_AddNumberToObject(o, "size", (double)c->len);
    return o;
}

static void sections_json(cJSON *o, const trec_container *c)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "sections");
    for (uint32_t i = 0; i < c->count; i++) {
        char tag[5], crc[16];
        trec_tag_name(c->sections[i].tag, tag);
        snprintf(crc, sizeof crc, "%08x", c->sections[i].crc);
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "tag", tag);
        cJSON_AddNumberToObject(s, "offset", (double)c->sections[i].offset);
        cJSON_AddNumberToObject(s, "size", (double)c->sections[i].size);
        cJSON_AddStringToObject(s, "crc32", crc);
        cJSON_AddItemToArray(arr, s);
    }
    cJSON_AddStringToObject(o, "checksum", "ok");
}

/* Describes one file: as text into out, or as a JSON object added to all.
 * Returns 0, or -1 after printing the error. */
static int describe(const char *path, FILE *out, cJSON *all, int *described)
{
    trec_error err;
    trec_container c;
    const char *name = trec_display_name(path);
    if (trec_container_read(path, 0, &c, &err) != 0) {
        fprintf(stderr, "%s: error: %s\n", cli_prog, err.msg);
        return -1;
    }
    /* The head and section table, kept apart from the file's bytes, which
     * the kind's loader takes over. */
    trec_container head = c;
    head.buf = NULL;
    head.name = NULL;
    const kind_printer *p = printer_for(c.kind);
    void *info = NULL;
    if (p) {
        info = p->load(&c, &err);
        if (!info) {
            fprintf(stderr, "%s: error: %s\n", cli_prog, err.msg);
            return -1;
        }
    } else {
        trec_container_free(&c);
    }
    if (all) {
        cJSON *o = head_json(name, &head);
        if (p)
            p->json(info, o);
        sections_json(o, &head);
        cJSON_AddItemToArray(all, o);
    } else {
        if (*described)
            fputc('\n', out); /* a blank line between files */
        head_text(out, name, &head);
        if (p)
            p->text(info, out);
        sections_text(out, &head);
    }
    if (p)
        p->release(info);
    ++*described;
    return 0;
}

/* One object per file, one per line (JSON Lines; indented with --pretty). */
static int write_json(cJSON *all, FILE *out, int pretty)
{
    cJSON *doc;
    cJSON_ArrayForEach(doc, all)
        cli_print_json(out, doc, pretty);
    return 0;
}

static int dump(const char *path, FILE *out, const char *out_name, int use_labels, int header)
{
    trec_error err;
    trec_csr m;
    int rc = trec_csr_read(path, &m, &err);
    if (rc == 0 && header)
        fprintf(out, "row_label\tcol_label\tvalue%s\n", m.times ? "\ttimestamp" : "");
    if (rc != 0 || trec_dump_tsv(&m, out, out_name, use_labels, &err) != 0) {
        trec_csr_free(&m);
        fprintf(stderr, "%s: error: %s\n", cli_prog, err.msg);
        return -1;
    }
    trec_csr_free(&m);
    return 0;
}

enum { OPT_JSON = 256, OPT_DUMP, OPT_NO_LABELS, OPT_PRETTY, OPT_HEADER };

static const struct option longopts[] = {
    {"json", no_argument, 0, OPT_JSON},
    {"dump", no_argument, 0, OPT_DUMP},
    {"no-labels", no_argument, 0, OPT_NO_LABELS},
    {"pretty", no_argument, 0, OPT_PRETTY},
    {"header", no_argument, 0, OPT_HEADER},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    {"output", required_argument, 0, 'o'},
    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};

typedef struct options {
    int json, dump, no_labels, pretty, header, quiet, verbose;
    const char *out;                /* -o ("-": stdout) */
    char **files;                   /* the FILE arguments */
    int nfiles;
} options;

static void check_args(const options *o, int argc, char **argv)
{
    if (o->json && o->dump)
        cli_usage_error("--json and --dump exclude each other", NULL);
    if (o->quiet && o->verbose)
        cli_usage_error("-q and -v exclude each other", NULL);
    if (o->header && !o->dump)
        cli_usage_error("--header goes with --dump", NULL);
    if (o->no_labels && !o->dump)
        cli_usage_error("--no-labels goes with --dump", NULL);
    if (optind == argc)
        cli_usage_error("missing FILE", NULL);
    if (o->dump && argc - optind > 1)
        cli_usage_error("--dump takes one FILE", argv[optind + 1]);
}

static void parse_args(options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->out = "-";
    int c;
    while ((c = getopt_long(argc, argv, "o:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: o->json = 1; break;
        case OPT_DUMP: o->dump = 1; break;
        case OPT_NO_LABELS: o->no_labels = 1; break;
        case OPT_PRETTY: o->pretty = o->json = 1; break;
        case OPT_HEADER: o->header = 1; break;
        case 'q': o->quiet = 1; break;
        case 'v': o->verbose = 1; break;
        case 'o': o->out = optarg; break;
        case 'h': usage();
        case 'V': cli_version(); break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    check_args(o, argc, argv);
    o->files = argv + optind;
    o->nfiles = argc - optind;
}

/* Describes (or dumps) the files into out; 1 if one failed. */
static int run(const options *o, FILE *out, const char *out_name)
{
    if (o->dump)
        return dump(o->files[0], out, out_name, !o->no_labels, o->header) != 0;
    int failed = 0, described = 0;
    cJSON *all = o->json ? cJSON_CreateArray() : NULL;
    for (int i = 0; i < o->nfiles; i++)
        failed |= describe(o->files[i], out, all, &described) != 0;
    if (all) {
        if (cJSON_GetArraySize(all) > 0 && write_json(all, out, o->pretty) != 0) {
            fprintf(stderr, "%s: error: out of memory printing JSON\n", cli_prog);
            failed = 1;
        }
        cJSON_Delete(all);
    }
    return failed;
}

static void print_summary(const options *o, double t0)
{
    int n = o->dump ? 1 : o->nfiles;
    if (o->verbose)
        fprintf(stderr, "%s: %d file%s%s, %.2f s\n", cli_prog, n, n == 1 ? "" : "s",
                o->dump ? " dumped" : " described", cli_now() - t0);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-info";
    double t0 = cli_now();
    options o;
    parse_args(&o, argc, argv);
    trec_error err;
    trec_outfile out;
    if (trec_outfile_open(&out, o.out, &err) != 0)
        cli_fail(&err);
    int failed = run(&o, out.fp, strcmp(o.out, "-") == 0 ? "<stdout>" : o.out);
    /* A dump that failed half-way leaves no output file behind. */
    if (failed && o.dump) {
        trec_outfile_abort(&out);
        return 1;
    }
    if (trec_outfile_commit(&out, &err) != 0)
        cli_fail(&err);
    print_summary(&o, t0);
    return failed;
}
