/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* trec-report - the evaluation history of trec-eval --history as a plot of
 * each metric over time (gnuplot; SVG, PNG) and a short self-contained HTML
 * page (see trec-report(1)). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "cli.h"
#include "cli_outputs.h"

#define MAX_METRICS 256

static void usage(void)
{
    printf("Usage: %s HISTORY|REPORT.json... [-o REPORT.html] [--svg FILE] [--png FILE] [--metric NAME]...\n"
           "                   [--title TEXT] [--plot-format svg|png] [--no-plot]\n"
           "                   [--gnuplot PROG] [--width PX] [--panel-height PX] [-f] [-q|-v]\n"
           "Plots each metric of a trec-eval --history file (or of trec-eval --json\n"
           "reports: FILE.json or FILE.jsonl, one run per object, at the file's time)\n"
           "over time, with the\n"
           "baselines (gnuplot), and writes a self-contained HTML page: the plot, the\n"
           "last run's table and the change since the previous run.\n"
           "\n"
           "  -o, --output FILE  the HTML page (default: standard output, unless only\n"
           "                     --svg or --png is given)\n"
           "  --svg FILE         also write the plot as SVG\n"
           "  --png FILE         also write the plot as PNG\n"
           "  --metric NAME      a panel and a table row (repeatable; e.g. recall@10;\n"
           "                     default: every model metric of the history)\n"
           "  --title TEXT       the page's and the plot's title\n"
           "  --plot-format F    the plot in the page: svg (inline markup; default) or\n"
           "                     png (a data: URI)\n"
           "  --no-plot          the page without the plot (no gnuplot needed)\n"
           "  --gnuplot PROG     the gnuplot program (default: gnuplot on PATH)\n"
           "  --width PX         plot width in pixels (default 960)\n"
           "  --panel-height PX  height of a row of panels (default 300)\n"
           "  -f, --force        write a PNG to a terminal anyway\n"
           "  -q, --quiet        no summary line on stderr\n"
           "  -v, --verbose      also say what gnuplot made\n"
           "  --json             the summary (runs, the last run's values) as one line\n"
           "                     of JSON on stdout; --pretty: indented\n"
           "  -h, --help         this help\n"
           "  -V, --version      version\n"
           "See 'man trec-report'.\n",
           cli_prog);
    exit(0);
}

typedef struct options {
    cli_common c;
    const char *history, *svg, *png, *title, *gnuplot, *plot_format;
    const char *metrics[MAX_METRICS];
    char **json_files;
    int n_json;
    int n_metrics, no_plot, force, verbose, out_given, width, panel_height, json, pretty;
} options;

enum { OPT_SVG = 256, OPT_PNG, OPT_METRIC, OPT_TITLE, OPT_PLOT_FORMAT, OPT_NO_PLOT,
       OPT_GNUPLOT, OPT_WIDTH, OPT_PANEL_HEIGHT, OPT_JSON, OPT_PRETTY };

/* A trec-eval JSON report by its name: FILE.json or FILE.jsonl. */
static int is_json_name(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && strcmp(s + n - 5, ".json") == 0) ||
           (n > 6 && strcmp(s + n - 6, ".jsonl") == 0);
}

static void parse_args(options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"svg", required_argument, 0, OPT_SVG},
        {"png", required_argument, 0, OPT_PNG},
        {"metric", required_argument, 0, OPT_METRIC},
        {"title", required_argument, 0, OPT_TITLE},
        {"plot-format", required_argument, 0, OPT_PLOT_FORMAT},
        {"no-plot", no_argument, 0, OPT_NO_PLOT},
        {"gnuplot", required_argument, 0, OPT_GNUPLOT},
        {"width", required_argument, 0, OPT_WIDTH},
        {"panel-height", required_argument, 0, OPT_PANEL_HEIGHT},
        {"force", no_argument, 0, 'f'},
        {"json", no_argument, 0, OPT_JSON},
        {"pretty", no_argument, 0, OPT_PRETTY},
        {"verbose", no_argument, 0, 'v'},
        CLI_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    cli_common_init(&o->c);
    o->plot_format = "svg";
    int c;
    while ((c = getopt_long(argc, argv, "fv" CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
        if (c == 'o')
            o->out_given = 1;
        if (cli_common_option(c, optarg, &o->c, usage))
            continue;
        switch (c) {
        case OPT_SVG: o->svg = optarg; break;
        case OPT_PNG: o->png = optarg; break;
        case OPT_METRIC:
            if (o->n_metrics == MAX_METRICS)
                cli_usage_error("too many --metric (at most 256)", optarg);
            o->metrics[o->n_metrics++] = optarg;
            break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_PLOT_FORMAT:
            if (strcmp(optarg, "svg") != 0 && strcmp(optarg, "png") != 0)
                cli_usage_error("--plot-format must be svg or png", optarg);
            o->plot_format = optarg;
            break;
        case OPT_NO_PLOT: o->no_plot = 1; break;
        case OPT_GNUPLOT: o->gnuplot = optarg; break;
        case OPT_WIDTH: o->width = (int)cli_parse_int("--width", optarg, 100, 20000); break;
        case OPT_PANEL_HEIGHT:
            o->panel_height = (int)cli_parse_int("--panel-height", optarg, 100, 20000);
            break;
        case 'f': o->force = 1; break;
        case OPT_JSON: o->json = 1; break;
        case OPT_PRETTY: o->json = o->pretty = 1; break;
        case 'v': o->verbose = 1; break;
        default: cli_usage_error("invalid option", NULL);
        }
    }
    if (optind == argc)
        cli_usage_error("missing HISTORY (a trec-eval --history file)", NULL);
    o->history = argv[optind];
    for (int i = optind; i < argc; i++) {
        if (is_json_name(argv[i]) != is_json_name(argv[optind]) ||
            (!is_json_name(argv[i]) && i > optind))
            cli_usage_error("one HISTORY file, or trec-eval JSON reports (.json, .jsonl); "
                            "unexpected argument", argv[i]);
        o->n_json += is_json_name(argv[i]);
    }
    if (o->n_json)
        o->json_files = argv + optind;
    if (o->no_plot && (o->svg || o->png))
        cli_usage_error("--no-plot excludes --svg and --png", NULL);
    if (o->verbose && o->c.quiet)
        cli_usage_error("-q and -v exclude each other", NULL);
    if ((o->out_given && strcmp(o->c.out, "-") == 0) + (o->svg && strcmp(o->svg, "-") == 0) +
            (o->png && strcmp(o->png, "-") == 0) > 1)
        cli_usage_error("only one output can be standard output", NULL);
    const char *outs[3] = {o->out_given ? o->c.out : NULL, o->svg, o->png};
    const char *opts[3] = {"-o", "--svg", "--png"};
    cli_check_outputs(3, opts, outs);
    if (o->json && ((o->out_given && strcmp(o->c.out, "-") == 0) ||
                    (!o->out_given && !o->svg && !o->png) || (o->svg && !strcmp(o->svg, "-")) ||
                    (o->png && !strcmp(o->png, "-"))))
        cli_usage_error("--json prints on standard output: write the page and plots to "
                        "files (-o, --svg, --png)", NULL);
    if (o->png && strcmp(o->png, "-") == 0 && isatty(1) && !o->force)
        cli_die(1, "refusing to write a PNG to a terminal: give --png FILE, or -f to force");
}

static void render(const options *o, const trec_eval_history *h, const char *format,
                   uint8_t **buf, size_t *len)
{
    trec_error err;
    trec_plot_opts po = {.format = format, .gnuplot = o->gnuplot, .metrics = o->metrics,
                         .n_metrics = o->n_metrics, .title = o->title, .width = o->width,
                         .panel_height = o->panel_height};
    if (trec_plot_render(h, &po, buf, len, &err) != 0)
        cli_fail(&err);
    if (o->verbose)
        fprintf(stderr, "%s: gnuplot made %zu bytes of %s\n", cli_prog, *len, format);
}

static void write_bytes(const char *path, const uint8_t *buf, size_t len)
{
    trec_error err;
    trec_outfile out;
    if (trec_outfile_open(&out, path, &err) != 0)
        cli_fail(&err);
    fwrite(buf, 1, len, out.fp);
    if (trec_outfile_commit(&out, &err) != 0)
        cli_fail(&err);
}

/* ---- run: read the history, plot, write ---- */

typedef struct run {
    options *o;
    trec_eval_history h;
    int np;                         /* panels of the plot */
    int html;                       /* the HTML page is written */
    uint8_t *svg, *png;
    size_t svg_len, png_len;
} run;

static void load(run *r)
{
    options *o = r->o;
    trec_error err;
    if ((o->n_json ? trec_eval_history_from_json((const char *const *)o->json_files, o->n_json,
                                                 &r->h, &err)
                   : trec_eval_history_read(o->history, &r->h, &err)) != 0)
        cli_fail(&err);
    if (o->n_json > 1)
        o->history = "trec-eval JSON reports";
    if (r->h.n_rows == 0)
        cli_die(1, "%s: no run in the history (only a header)", trec_display_name(o->history));
    /* check the panels before running gnuplot */
    const char *panels[MAX_METRICS];
    trec_plot_opts check = {.metrics = o->metrics, .n_metrics = o->n_metrics};
    r->np = trec_plot_panels(&r->h, &check, panels, MAX_METRICS, &err);
    if (r->np < 0)
        cli_die(1, "%s: %s", trec_display_name(o->history), err.msg);
}

static void plot(run *r)
{
    const options *o = r->o;
    r->html = o->out_given || (!o->svg && !o->png);
    int need_svg = o->svg || (r->html && !o->no_plot && strcmp(o->plot_format, "svg") == 0);
    int need_png = o->png || (r->html && !o->no_plot && strcmp(o->plot_format, "png") == 0);
    if (need_svg)
        render(o, &r->h, "svg", &r->svg, &r->svg_len);
    if (need_png)
        render(o, &r->h, "png", &r->png, &r->png_len);
}

static void write_outputs(const run *r)
{
    const options *o = r->o;
    trec_error err;
    if (o->svg)
        write_bytes(o->svg, r->svg, r->svg_len);
    if (o->png)
        write_bytes(o->png, r->png, r->png_len);
    if (!r->html)
        return;
    int use_png = strcmp(o->plot_format, "png") == 0;
    trec_report_page page = {.title = o->title, .source = trec_display_name(o->history),
                             .metrics = o->metrics, .n_metrics = o->n_metrics,
                             .plot = o->no_plot ? NULL : use_png ? r->png : r->svg,
                             .plot_len = use_png ? r->png_len : r->svg_len,
                             .plot_format = o->plot_format};
    trec_outfile out;
    if (trec_outfile_open(&out, o->c.out, &err) != 0)
        cli_fail(&err);
    if (trec_report_html(out.fp, &r->h, &page, &err) != 0) {
        trec_outfile_abort(&out);
        cli_fail(&err);
    }
    if (trec_outfile_commit(&out, &err) != 0)
        cli_fail(&err);
}

/* ---- print: the summary ---- */

/* --json: the last run in time, as the page shows it */
static void print_json(const run *r)
{
    const options *o = r->o;
    const trec_eval_history *h = &r->h;
    size_t last = 0;
    for (size_t i = 1; i < h->n_rows; i++)
        if (h->times[i] >= h->times[last])
            last = i;
    char when[32];
    trec_format_utc(h->times[last], when, sizeof when);
    cJSON *j = cJSON_CreateObject(), *lr = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "tool", cli_prog);
    cJSON_AddStringToObject(j, "history", trec_display_name(o->history));
    cJSON_AddNumberToObject(j, "runs", (double)h->n_rows);
    cJSON_AddStringToObject(lr, "time", when);
    cJSON_AddStringToObject(lr, "model", h->model[last]);
    cJSON_AddStringToObject(lr, "status", h->status[last]);
    for (size_t m = 0; m < h->n_metrics; m++) {
        /* the history's and the page's digits; null when missing */
        cJSON_AddItemToObject(lr, h->metric_names[m],
                              trec_json_metric(h->values[last * h->n_metrics + m]));
    }
    cJSON_AddItemToObject(j, "last", lr);
    cli_print_json(stdout, j, o->pretty);
    cJSON_Delete(j);
}

static void print_summary(const run *r, double t0)
{
    const options *o = r->o;
    if (o->json)
        print_json(r);
    else if (!o->c.quiet)
        fprintf(stderr, "%s: %s: %zu run%s, %d metrics%s%s%s%s%s (%.2f s)\n", cli_prog,
                trec_display_name(o->history), r->h.n_rows, r->h.n_rows == 1 ? "" : "s", r->np,
                r->html ? ", HTML " : "", r->html ? trec_display_name(o->c.out) : "",
                o->svg ? ", SVG" : "", o->png ? ", PNG" : "", o->no_plot ? ", no plot" : "",
                cli_now() - t0);
}

int main(int argc, char **argv)
{
    cli_prog = "trec-report";
    options o;
    parse_args(&o, argc, argv);
    double t0 = cli_now();
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    load(&r);
    plot(&r);
    write_outputs(&r);
    print_summary(&r, t0);
    free(r.svg);
    free(r.png);
    trec_eval_history_free(&r.h);
    return 0;
}
