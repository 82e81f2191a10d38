/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* eval_json.c - trec-eval JSON reports as an evaluation history
 * (eval_json.h): converted to the history's TSV text, then parsed by
 * trec_eval_history_parse, so both inputs obey the same rules. */
#include "eval_json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "metrics.h"

#define FIXED_LEN (sizeof "time\tmodel\ttest\ttrain\tsettings\tstatus" - 1)

typedef struct text {
    char *s;
    size_t len, cap;
} text;

static int put(text *t, trec_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int put(text *t, trec_error *err, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            return trec_fail(err, "formatting failed");
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return 0;
        }
        size_t ncap = (t->cap ? t->cap * 2 : 4096) + (size_t)n;
        char *ns = trec_realloc(t->s, ncap, err);
        if (!ns)
            return -1;
        t->s = ns;
        t->cap = ncap;
    }
}

/* A string field with no tab or newline (they would break the TSV). */
static const char *str(const cJSON *o, const char *key, const char *name, trec_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || !v->valuestring[0] || strpbrk(v->valuestring, "\t\n\r")) {
        trec_fail(err, "%s: \"%s\" is missing or not a plain string: not a trec-eval --json "
                  "report", name, key);
        return NULL;
    }
    return v->valuestring;
}

/* Appends the header (first run) or checks it, then the row of run d. */
static int add_run(text *t, text *head, const cJSON *d, int64_t when, const char *name,
                   trec_error *err)
{
    const char *model = str(d, "model", name, err), *gain = model ? str(d, "gain", name, err) : NULL;
    if (!model || !gain)
        return -1;
    const cJSON *splits = cJSON_GetObjectItemCaseSensitive(d, "splits");
    const cJSON *minr = cJSON_GetObjectItemCaseSensitive(d, "min_rating");
    if (!cJSON_IsArray(splits) || cJSON_GetArraySize(splits) < 1)
        return trec_fail(err, "%s: no \"splits\": not a trec-eval --json report", name);
    const char *test = NULL, *train = "-", *ranking = NULL;
    text h = {0}, row = {0};
    int rc = -1;
    const cJSON *sp;
    cJSON_ArrayForEach(sp, splits) {
        const char *split = str(sp, "split", name, err), *file = str(sp, "file", name, err);
        if (!split || !file)
            goto out;
        int is_train = strcmp(split, "train") == 0;
        if (is_train) {
            train = file;
        } else {
            test = file;
            ranking = str(sp, "ranking", name, err);
            if (!ranking)
                goto out;
        }
        const cJSON *rankers = cJSON_GetObjectItemCaseSensitive(sp, "rankers"), *rk;
        cJSON_ArrayForEach(rk, rankers) {
            const char *rname = str(rk, "ranker", name, err);
            if (!rname)
                goto out;
            int is_model = strcmp(rname, "model") == 0;
            if (is_train && !is_model)
                continue;      /* the history keeps the model's train figures only */
            const cJSON *m;
            char mt[TREC_METRIC_TEXT];
            cJSON_ArrayForEach(m, rk) {
                if (!cJSON_IsNumber(m))
                    continue;
                if (put(&h, err, "\t%s%s%s", is_train ? "train:" : is_model ? "" : rname,
                        !is_train && !is_model ? ":" : "", m->string) ||
                    (trec_format_metric(m->valuedouble, 0, mt, sizeof mt),
                     put(&row, err, "\t%s", mt)))
                    goto out;
            }
        }
    }
    if (!test) {
        trec_fail(err, "%s: no test split: not a trec-eval --json report", name);
        goto out;
    }
    char mr[48] = "none", when_s[32];
    if (cJSON_IsNumber(minr))
        snprintf(mr, sizeof mr, "%g", minr->valuedouble);
    trec_format_utc(when, when_s, sizeof when_s);
    if (!head->s) {
        if (put(head, err, "time\tmodel\ttest\ttrain\tsettings\tstatus%s\n", h.s ? h.s : ""))
            goto out;
        if (put(t, err, "%s", head->s))
            goto out;
    } else if (head->len != FIXED_LEN + h.len + 1 ||
               (h.len && memcmp(head->s + FIXED_LEN, h.s, h.len) != 0)) {
        trec_fail(err, "%s: its metrics differ from the first report's (other cut-offs, "
                  "baselines or splits): report them separately", name);
        goto out;
    }
    rc = put(t, err, "%s\t%s\t%s\t%s\t%s min-rating=%s gain=%s\tok%s\n", when_s, model, test,
             train, ranking, mr, gain, row.s ? row.s : "");
out:
    free(h.s);
    free(row.s);
    return rc;
}

int trec_eval_history_from_json(const char *const *paths, int n, trec_eval_history *out,
                                trec_error *err)
{
    memset(out, 0, sizeof *out);
    text t = {0}, head = {0};
    for (int i = 0; i < n; i++) {
        const char *name = trec_display_name(paths[i]);
        struct stat st;
        int64_t when = 0;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0)
            when = (int64_t)st.st_mtime;
        uint8_t *buf;
        size_t len;
        if (trec_read_file(paths[i], &buf, &len, err) != 0)
            goto fail;
        const char *p = (const char *)buf, *end = p + len;
        int runs = 0;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
            if (p == end)
                break;
            const char *next = NULL;
            cJSON *d = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &next, 0);
            if (!d) {
                size_t line = 1;
                for (const char *q = (const char *)buf; q < p; q++)
                    line += *q == '\n';
                trec_fail(err, "%s:%zu: not JSON: not a trec-eval --json report", name, line);
                free(buf);
                goto fail;
            }
            int rc = add_run(&t, &head, d, when, name, err);
            cJSON_Delete(d);
            if (rc != 0) {
                free(buf);
                goto fail;
            }
            runs++;
            p = next;
        }
        free(buf);
        if (runs == 0) {
            trec_fail(err, "%s: empty: no trec-eval --json report", name);
            goto fail;
        }
    }
    free(head.s);
    if (!t.s)
        return trec_fail(err, "no report");
    return trec_eval_history_parse(t.s, t.len, "the JSON reports", out, err);
fail:
    free(t.s);
    free(head.s);
    return -1;
}
