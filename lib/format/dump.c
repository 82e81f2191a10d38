/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* dump.c - TSV text of a matrix, one line per entry. */
#include "dump.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *trec_format_time(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "out-of-range");
    return buf;
}

/* Decimal text of v into the end of buf[32]; returns where it starts
 * (fprintf per field would dominate the time of a large dump). */
static char *format_i64(int64_t v, char *end)
{
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = end;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

/* Output is assembled in a large buffer and handed to stdio in big blocks:
 * one fwrite per field would dominate the time of a large dump. */
typedef struct outbuf {
    FILE *fp;
    size_t len;
    char data[1 << 16];
} outbuf;

static void ob_flush(outbuf *o)
{
    fwrite(o->data, 1, o->len, o->fp);
    o->len = 0;
}

static void ob_put(outbuf *o, const char *s, size_t n)
{
    if (n > sizeof o->data - o->len) {
        ob_flush(o);
        if (n > sizeof o->data) { /* a huge label: straight through */
            fwrite(s, 1, n, o->fp);
            return;
        }
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
}

static void ob_char(outbuf *o, char c)
{
    if (o->len == sizeof o->data)
        ob_flush(o);
    o->data[o->len++] = c;
}

static void ob_i64(outbuf *o, int64_t v)
{
    char buf[32];
    char *p = format_i64(v, buf + sizeof buf);
    ob_put(o, p, (size_t)(buf + sizeof buf - p));
}

/* A row or column name: its label, or its index. */
static void ob_name(outbuf *o, const trec_labels *l, uint64_t i, int use_labels)
{
    if (use_labels && l->count) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        ob_put(o, s, n);
    } else {
        ob_i64(o, (int64_t)i);
    }
}

/* Formatting a float (a printf and a strtof per digit count tried) costs
 * more than everything else; matrices mostly repeat a few values (ratings),
 * so texts are kept in a small cache indexed by the value's bits. */
#define VCACHE 256 /* a power of two: the slot is the top 8 bits of a hash */
typedef struct vcache {
    uint32_t bits[VCACHE];
    uint8_t len[VCACHE];   /* 0: empty */
    char text[VCACHE][24];
} vcache;

static void ob_value(outbuf *o, vcache *c, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    unsigned slot = (uint32_t)(bits * 2654435761u) >> 24; /* VCACHE = 2^8 */
    if (!c->len[slot] || c->bits[slot] != bits) {
        c->bits[slot] = bits;
        c->len[slot] = (uint8_t)trec_format_float(v, c->text[slot], sizeof c->text[slot]);
    }
    ob_put(o, c->text[slot], c->len[slot]);
}

int trec_dump_tsv(const trec_csr *m, FILE *fp, const char *out_name, int use_labels,
                  trec_error *err)
{
    outbuf *o = trec_malloc(sizeof *o, err);
    vcache *c = trec_calloc(1, sizeof *c, err);
    if (!o || !c) {
        free(o);
        free(c);
        return -1;
    }
    o->fp = fp;
    o->len = 0;
    int rc = 0;
    for (uint64_t r = 0; r < m->rows && rc == 0; r++) {
        for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++) {
            ob_name(o, &m->row_labels, r, use_labels);
            ob_char(o, '\t');
            ob_name(o, &m->col_labels, m->colidx[k], use_labels);
            ob_char(o, '\t');
            ob_value(o, c, m->vals[k]);
            if (m->times) {
                ob_char(o, '\t');
                ob_i64(o, m->times[k]);
            }
            ob_char(o, '\n');
        }
        if (ferror(fp))
            rc = trec_fail_errno(err, "%s: write failed", out_name);
    }
    if (rc == 0)
        ob_flush(o);
    free(o);
    free(c);
    return rc;
}
