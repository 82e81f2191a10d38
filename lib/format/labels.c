/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* labels.c - label lists: validation and their on-disk section. */
#include "labels.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

const char *trec_label_problem(const char *s, size_t n)
{
    if (n == 0)
        return "empty";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F)
                return "control character";
            p++;
            continue;
        }
        int extra;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
        else return "invalid UTF-8";
        if (end - p <= extra)
            return "invalid UTF-8";
        for (int k = 1; k <= extra; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return "invalid UTF-8";
            cp = cp << 6 | (p[k] & 0x3F);
        }
        /* Overlong forms, surrogates and out-of-range code points. */
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return "invalid UTF-8";
        p += extra + 1;
    }
    return NULL;
}

uint64_t trec_labels_section_size(const trec_labels *l)
{
    return 8 + 8 * (l->count + 1) + l->offsets[l->count];
}

/* Produces the section bytes: count, offsets, blob, from wherever they live. */
static void fill_labels(void *ctx, uint64_t off, void *buf, size_t len)
{
    const trec_labels *l = ctx;
    uint8_t *out = buf;
    uint64_t head = 8 + 8 * (l->count + 1);
    while (len > 0) {
        size_t n;
        if (off < 8) {
            n = (size_t)(8 - off) < len ? (size_t)(8 - off) : len;
            memcpy(out, (const uint8_t *)&l->count + off, n);
        } else if (off < head) {
            n = (size_t)(head - off) < len ? (size_t)(head - off) : len;
            memcpy(out, (const uint8_t *)l->offsets + (off - 8), n);
        } else {
            n = len;
            memcpy(out, l->blob + (off - head), n);
        }
        out += n;
        off += n;
        len -= n;
    }
}

trec_section trec_labels_section(uint32_t tag, const trec_labels *l)
{
    trec_section s = {.tag = tag, .size = trec_labels_section_size(l),
                      .fill = fill_labels, .ctx = (void *)l};
    return s;
}

/* Whether p[0..n) is all printable ASCII (0x20..0x7E), eight bytes at a
 * time: then no label in it holds a control character or invalid UTF-8,
 * and checking the labels one by one (a third of a 25M model's single
 * query, for 500,000 user ids) reduces to finding empty ones. */
static int printable_ascii(const unsigned char *p, uint64_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, d;
        memcpy(&w, p + i, 8);
        d = w ^ (0x7F * ones);
        /* a byte >= 0x80; below 0x20; equal to 0x7F (exact for "any") */
        if ((w & high) | ((w - 0x20 * ones) & ~w & high) | ((d - ones) & ~d & high))
            return 0;
    }
    for (; i < n; i++)
        if (p[i] < 0x20 || p[i] >= 0x7F)
            return 0;
    return 1;
}

int trec_labels_parse(const void *data, uint64_t size, const char *file,
                      const char *what, trec_labels *l, trec_error *err)
{
    memset(l, 0, sizeof *l);
    if (size < 16)
        return trec_fail(err, "%s: %s section too short (%llu bytes)", file, what,
                         (unsigned long long)size);
    uint64_t count;
    memcpy(&count, data, 8);
    if (count > (size - 16) / 8)
        return trec_fail(err, "%s: %s: count %llu does not fit the %llu-byte section",
                         file, what, (unsigned long long)count, (unsigned long long)size);
    const uint64_t *off = (const uint64_t *)((const uint8_t *)data + 8);
    uint64_t head = 8 + 8 * (count + 1);
    uint64_t blob_len = size - head;
    if (off[0] != 0 || off[count] != blob_len)
        return trec_fail(err, "%s: %s: offsets do not span the %llu-byte text",
                         file, what, (unsigned long long)blob_len);
    const char *blob = (const char *)data + head;
    int ascii = printable_ascii((const unsigned char *)blob, blob_len);
    for (uint64_t i = 0; i < count; i++) {
        if (off[i + 1] < off[i] || off[i + 1] > blob_len)
            return trec_fail(err, "%s: %s: offsets not increasing at label %llu",
                             file, what, (unsigned long long)i);
        size_t n = (size_t)(off[i + 1] - off[i]);
        const char *why = ascii ? (n ? NULL : "empty") : trec_label_problem(blob + off[i], n);
        if (why)
            return trec_fail(err, "%s: %s: label %llu is %s", file, what,
                             (unsigned long long)i, why);
    }
    l->count = count;
    l->offsets = off;
    l->blob = blob;
    return 0;
}

void trec_labels_describe_text(FILE *out, const char *what, const trec_labels *l,
                               const char *dim)
{
    fprintf(out, "%-11s ", what);
    if (!l->count) {
        fprintf(out, "none (%s numbered from 0)\n", dim);
        return;
    }
    fprintf(out, "%llu:", (unsigned long long)l->count);
    for (uint64_t i = 0; i < l->count && i < TREC_LABELS_SAMPLE; i++) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        fprintf(out, "%s %.*s", i ? "," : "", (int)n, s);
    }
    fputs(l->count > TREC_LABELS_SAMPLE ? ", ...\n" : "\n", out);
}

cJSON *trec_labels_describe_json(const trec_labels *l)
{
    cJSON *o = cJSON_CreateObject(), *sample = cJSON_CreateArray();
    cJSON_AddNumberToObject(o, "count", (double)l->count);
    for (uint64_t i = 0; i < l->count && i < TREC_LABELS_SAMPLE; i++) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        char *z = strndup(s, n);
        cJSON_AddItemToArray(sample, cJSON_CreateString(z ? z : ""));
        free(z);
    }
    cJSON_AddItemToObject(o, "sample", sample);
    return o;
}
