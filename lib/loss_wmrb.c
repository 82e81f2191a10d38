/* loss_wmrb.c - WMRB and balanced WMRB over a shared item sample. */
#include "loss_wmrb.h"

#include <math.h>
#include <string.h>

uint64_t trec_wmrb_count_positive(const trec_csr *x, uint64_t u0, uint64_t u1)
{
    uint64_t n = 0;
    for (uint64_t e = x->rowptr[u0]; e < x->rowptr[u1]; e++)
        n += x->vals[e] > 0.0f;
    return n;
}

void trec_wmrb_item_sums(const trec_csr *x, uint64_t u0, uint64_t u1, float *sums)
{
    memset(sums, 0, x->cols * sizeof *sums);
    for (uint64_t e = x->rowptr[u0]; e < x->rowptr[u1]; e++)
        if (x->vals[e] > 0.0f)
            sums[x->colidx[e]] += x->vals[e];
}

double trec_wmrb_users(const trec_wmrb_args *a, uint64_t u0, uint64_t u1)
{
    const trec_csr *x = a->x;
    uint64_t ns = a->ns, e0 = x->rowptr[a->b0];
    double ratio = (double)x->cols / (double)ns, total = 0;
    for (uint64_t u = u0; u < u1; u++) {
        const float *P = a->P + (u - a->b0) * ns;
        float *GP = a->GP + (u - a->b0) * ns;
        memset(GP, 0, ns * sizeof *GP);
        for (uint64_t e = x->rowptr[u]; e < x->rowptr[u + 1]; e++) {
            float *g = &a->g[e - e0];
            *g = 0.0f;
            if (!(x->vals[e] > 0.0f))
                continue;
            float s = a->s[e - e0];
            double margin = 0;
            uint64_t active = 0;
            for (uint64_t j = 0; j < ns; j++) {
                float t = 1.0f - s + P[j];
                if (t > 0.0f) {
                    margin += t;
                    active++;
                }
            }
            double w = ratio;
            if (a->item_sum)
                w *= (double)x->vals[e] / a->item_sum[x->colidx[e]];
            total += log1p(w * margin);
            if (active == 0)
                continue;
            /* dl/dmargin = w / (1 + w margin); d margin/ds = -active, /dP_j = 1 if active */
            double q = a->inv_npos * w / (1.0 + w * margin);
            *g = (float)(-q * (double)active);
            for (uint64_t j = 0; j < ns; j++)
                if (1.0f - s + P[j] > 0.0f)
                    GP[j] += (float)q;
        }
    }
    return total;
}
