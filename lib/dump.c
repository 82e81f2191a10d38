/* dump.c - TSV text of a matrix, one line per entry. */
#include "dump.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

size_t trec_format_float(float v, char *buf, size_t size)
{
    /* 9 significant digits always round-trip a float32; try fewer first. */
    int n = 0;
    for (int prec = 1; prec <= 9; prec++) {
        n = snprintf(buf, size, "%.*g", prec, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    return n > 0 ? (size_t)n : 0;
}

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

static void put_index(FILE *fp, uint64_t i)
{
    char buf[32];
    char *p = format_i64((int64_t)i, buf + sizeof buf);
    fwrite(p, 1, (size_t)(buf + sizeof buf - p), fp);
}

/* A row or column name: its label, or its index. */
static void put_name(FILE *fp, const trec_labels *l, uint64_t i, int use_labels)
{
    if (use_labels && l->count) {
        size_t n;
        const char *s = trec_label(l, i, &n);
        fwrite(s, 1, n, fp);
    } else {
        put_index(fp, i);
    }
}

int trec_dump_tsv(const trec_csr *m, FILE *fp, const char *out_name, int use_labels,
                  trec_error *err)
{
    char num[32];
    for (uint64_t r = 0; r < m->rows; r++) {
        for (uint64_t k = m->rowptr[r]; k < m->rowptr[r + 1]; k++) {
            put_name(fp, &m->row_labels, r, use_labels);
            putc('\t', fp);
            put_name(fp, &m->col_labels, m->colidx[k], use_labels);
            putc('\t', fp);
            fwrite(num, 1, trec_format_float(m->vals[k], num, sizeof num), fp);
            if (m->times) {
                char *p = format_i64(m->times[k], num + sizeof num);
                putc('\t', fp);
                fwrite(p, 1, (size_t)(num + sizeof num - p), fp);
            }
            putc('\n', fp);
        }
        if (ferror(fp))
            return trec_fail_errno(err, "%s: write failed", out_name);
    }
    return 0;
}
