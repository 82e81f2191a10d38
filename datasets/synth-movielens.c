/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* synth-movielens.c - deterministic synthetic data in the MovieLens CSV format
 * (ratings.csv, movies.csv) of any size, for tests, examples and benchmarks:
 * the real GroupLens files may not be shipped with trec, and benchmarks need
 * sizes (25M ratings) that should not require a download.
 *
 * The model, in short (constants below say the why of each number):
 *  - items: a popularity rank with Zipf-like weight 1/(rank+c), c = items/50
 *    within 1..50; 0..4 of the 19 MovieLens genres (frequencies roughly as
 *    in MovieLens); a quality bias;
 *    movieIds are sparse and increasing, unrelated to popularity;
 *  - users: a heavy-tailed (Pareto) number of ratings, at least 20 when there
 *    is room (as in MovieLens), 1..3 liked genres, maybe a disliked one, a
 *    rating bias, and some rate in whole stars only;
 *  - a user picks items partly from the global popularity law and partly from
 *    the popularity law of one of their liked genres, never the same item
 *    twice; rating = mean + biases + liked genre - disliked genre + noise, on
 *    the 0.5 grid. So a recommender has both popularity and taste to learn.
 * Rows are grouped by user, in rating order, timestamps increasing-ish.
 * Memory is O(users + items): ratings are streamed out user by user.
 * Same arguments => same bytes (given the same libm: pow/log/exp are used).
 * Deliberately standalone (own PRNG, no libtrec) so it can generate data for
 * testing libtrec itself. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *prog = "synth-movielens";

__attribute__((noreturn, format(printf, 2, 3)))
static void die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: error: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die(1, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/* ---- PRNG: xoshiro256** seeded through splitmix64 ------------------------ */

typedef struct { uint64_t s[4]; } rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Independent streams: one for items, one for user activity, one per user, so
 * a user's rows do not depend on how many random numbers earlier users drew. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = stream;
    uint64_t x2 = seed ^ splitmix64(&x);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x2);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unif(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform in [0, n); the tiny modulo bias is irrelevant for synthetic data. */
static uint64_t rng_below(rng *r, uint64_t n) { return rng_next(r) % n; }

static double rng_normal(rng *r)
{
    double u = 1.0 - rng_unif(r), v = rng_unif(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- the 19 MovieLens genres, with roughly MovieLens frequencies --------- */

enum { NGENRES = 19 };
static const char *genre_name[NGENRES] = {
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary",
    "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western"};
static const double genre_weight[NGENRES] = {
    18, 13, 6, 7, 38, 12, 4.5, 45, 8, 1, 10, 1.5, 3.5, 6, 16, 10, 19, 4, 1.7};
#define NO_GENRES "(no genres listed)"

static int pick_genre(rng *r)
{
    static double total;
    if (total == 0)
        for (int g = 0; g < NGENRES; g++)
            total += genre_weight[g];
    double x = rng_unif(r) * total;
    for (int g = 0; g < NGENRES; g++)
        if ((x -= genre_weight[g]) < 0)
            return g;
    return NGENRES - 1;
}

/* ---- items --------------------------------------------------------------- */

typedef struct {
    uint32_t movie_id;
    uint32_t genres; /* bit g = genre g; 0 = "(no genres listed)" */
    float bias;      /* quality: some films are liked by everyone */
    uint16_t year;
} item;

typedef struct {
    uint32_t n;       /* items */
    item *it;         /* by index, movieId increasing */
    uint32_t *byrank; /* popularity rank -> item index */
    double *cdf;      /* cumulative popularity weight by rank */
    /* per genre, its items in popularity order and their cumulative weights */
    uint64_t goff[NGENRES + 1];
    uint32_t *gitem;
    double *gcdf;
    /* the latent model only (NULL otherwise): D factors per item, scaled by
     * 1/sqrt(D), and an alias table of the popularity law by rank */
    float *factor;
    uint32_t *alias, *thr;
} catalog;

/* The offset flattens the head so that the most popular film is rated by
 * about half of the users, as in MovieLens, rather than by nearly all of them;
 * it shrinks for small catalogues, which would otherwise be nearly uniform. */
#define ZIPF_EXPONENT 1.0

static double zipf_offset(uint32_t items)
{
    double off = items / 50.0;
    return off < 1 ? 1 : off > 50 ? 50 : off;
}

/* The items (ids, genres, quality bias, year) and a random popularity order
 * (rank -> item), from the catalogue's stream, which both models share. */
static void make_items(catalog *c, uint32_t n, uint64_t seed)
{
    rng r;
    rng_seed(&r, seed, 1ULL << 62);
    memset(c, 0, sizeof *c);
    c->n = n;
    c->it = xcalloc(n, sizeof *c->it);
    c->byrank = xcalloc(n, sizeof *c->byrank);
    uint32_t id = 0;
    for (uint32_t j = 0; j < n; j++) {
        item *t = &c->it[j];
        /* sparse ids (MovieLens ids have gaps), so consumers cannot assume dense ids */
        id += rng_unif(&r) < 0.5 ? 1 : 1 + (uint32_t)rng_below(&r, 5);
        t->movie_id = id;
        if (rng_unif(&r) >= 0.005) {
            double x = rng_unif(&r);
            int ng = x < 0.30 ? 1 : x < 0.64 ? 2 : x < 0.88 ? 3 : 4;
            for (int k = 0; k < ng; k++)
                t->genres |= 1u << pick_genre(&r);
        }
        t->bias = (float)(0.35 * rng_normal(&r));
        int age = (int)(fabs(rng_normal(&r)) * 22.0);
        t->year = (uint16_t)(2018 - (age > 116 ? 116 : age));
        c->byrank[j] = j;
    }
    /* popularity unrelated to id: Fisher-Yates shuffle of the rank order */
    for (uint32_t j = n - 1; j > 0; j--) {
        uint32_t k = (uint32_t)rng_below(&r, (uint64_t)j + 1), t = c->byrank[j];
        c->byrank[j] = c->byrank[k];
        c->byrank[k] = t;
    }
}

static void make_catalog(catalog *c, uint32_t n, uint64_t seed)
{
    make_items(c, n, seed);
    c->cdf = xcalloc(n, sizeof *c->cdf);
    double sum = 0, off = zipf_offset(n);
    uint64_t count[NGENRES] = {0};
    for (uint32_t k = 0; k < n; k++) {
        sum += pow(k + off, -ZIPF_EXPONENT);
        c->cdf[k] = sum;
        uint32_t g = c->it[c->byrank[k]].genres;
        for (int b = 0; b < NGENRES; b++)
            count[b] += (g >> b) & 1;
    }
    c->goff[0] = 0;
    for (int b = 0; b < NGENRES; b++)
        c->goff[b + 1] = c->goff[b] + count[b];
    c->gitem = xcalloc(c->goff[NGENRES], sizeof *c->gitem);
    c->gcdf = xcalloc(c->goff[NGENRES], sizeof *c->gcdf);
    uint64_t fill[NGENRES];
    double gsum[NGENRES] = {0};
    memcpy(fill, c->goff, sizeof fill);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = c->byrank[k], g = c->it[j].genres;
        double w = pow(k + off, -ZIPF_EXPONENT);
        for (int b = 0; b < NGENRES; b++)
            if ((g >> b) & 1) {
                gsum[b] += w;
                c->gitem[fill[b]] = j;
                c->gcdf[fill[b]++] = gsum[b];
            }
    }
}

/* Index of the first cdf entry > x*cdf[n-1]: a draw from the weights. */
static uint64_t draw_cdf(const double *cdf, uint64_t n, rng *r)
{
    double x = rng_unif(r) * cdf[n - 1];
    uint64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ---- buffered output through a temp file renamed at the end -------------- */

typedef struct {
    FILE *f;
    char path[4096], tmp[4200];
    char buf[1 << 20];
    size_t len;
} out;

static void out_open(out *o, const char *dir, const char *name)
{
    if (snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= (int)sizeof o->path)
        die(1, "%s: path too long", dir);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", o->path, (long)getpid());
    o->f = fopen(o->tmp, "wb");
    if (!o->f)
        die(1, "%s: %s", o->tmp, strerror(errno));
    o->len = 0;
}

static void out_flush(out *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len) {
        unlink(o->tmp);
        die(1, "%s: write failed: %s", o->path, strerror(errno));
    }
    o->len = 0;
}

static void out_close(out *o)
{
    out_flush(o);
    if (fclose(o->f) != 0 || rename(o->tmp, o->path) != 0) {
        unlink(o->tmp);
        die(1, "%s: %s", o->path, strerror(errno));
    }
}

static void out_str(out *o, const char *s, size_t n)
{
    if (o->len + n > sizeof o->buf)
        out_flush(o);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_cstr(out *o, const char *s) { out_str(o, s, strlen(s)); }

static void out_u64(out *o, uint64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_str(o, tmp + i, sizeof tmp - i);
}

/* ---- movies.csv ---------------------------------------------------------- */

static const char *adjective[] = {
    "Quiet", "Last", "Silent", "Broken", "Golden", "Dark", "Lost", "Wild", "Secret",
    "Crimson", "Hidden", "Final", "Electric", "Little", "Endless", "Forgotten",
    "Burning", "Frozen", "Midnight", "Distant", "Hollow", "Bright", "Savage", "Gentle"};
static const char *noun[] = {
    "River", "City", "Garden", "Kingdom", "Stranger", "Machine", "Summer", "Shadow",
    "Harbor", "Mountain", "Detective", "Island", "Letter", "Road", "Storm", "Dream",
    "Orchard", "Engine", "Mirror", "Frontier", "Circus", "Witness", "Voyage", "Heart"};
#define NELEM(a) (sizeof(a) / sizeof(a)[0])

/* A title like MovieLens ones: "Quiet River (1997)", "Machine, The (2004)"
 * (a comma), "The "Golden" Road (1954)" (quotes), "Heart, The "Wild" (1999)". */
static void make_title(char *buf, size_t size, rng *r, uint16_t year)
{
    const char *a = adjective[rng_below(r, NELEM(adjective))];
    const char *n = noun[rng_below(r, NELEM(noun))];
    const char *n2 = noun[rng_below(r, NELEM(noun))];
    double x = rng_unif(r);
    if (x < 0.10)
        snprintf(buf, size, "%s %s, The (%u)", a, n, year);
    else if (x < 0.14)
        snprintf(buf, size, "The \"%s\" %s (%u)", a, n, year);
    else if (x < 0.16)
        snprintf(buf, size, "%s, The \"%s\" (%u)", n, a, year);
    else if (x < 0.30)
        snprintf(buf, size, "%s %s of the %s (%u)", a, n, n2, year);
    else
        snprintf(buf, size, "%s %s (%u)", a, n, year);
}

/* RFC 4180 quoting, as MovieLens does it: quote when a comma or quote occurs. */
static void out_csv_field(out *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        out_cstr(o, s);
        return;
    }
    out_str(o, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            out_str(o, "\"", 1);
        out_str(o, s, 1);
    }
    out_str(o, "\"", 1);
}

static void write_movies(const catalog *c, const char *dir, uint64_t seed)
{
    static out o;
    rng r;
    rng_seed(&r, seed, (1ULL << 62) + 2);
    out_open(&o, dir, "movies.csv");
    out_cstr(&o, "movieId,title,genres\n");
    char title[256];
    for (uint32_t j = 0; j < c->n; j++) {
        const item *t = &c->it[j];
        make_title(title, sizeof title, &r, t->year);
        out_u64(&o, t->movie_id);
        out_str(&o, ",", 1);
        out_csv_field(&o, title);
        out_str(&o, ",", 1);
        if (!t->genres)
            out_cstr(&o, NO_GENRES);
        for (int b = 0, first = 1; b < NGENRES; b++)
            if ((t->genres >> b) & 1) {
                if (!first)
                    out_str(&o, "|", 1);
                out_cstr(&o, genre_name[b]);
                first = 0;
            }
        out_str(&o, "\n", 1);
    }
    out_close(&o);
}

/* ---- users --------------------------------------------------------------- */

#define MIN_ACTIVITY 20      /* MovieLens keeps users with >= 20 ratings */
#define PARETO_ALPHA 1.2     /* activity tail: a few users rate thousands */
#define T_START 828057600.0  /* 1996-03-29, the first MovieLens rating */
#define T_END 1537747200.0   /* 2018-09-24 */

/* Ratings per user: minimum plus a Pareto share of the rest, capped at `cap`
 * (a user cannot rate an item twice); the capped overflow is re-shared. */
static uint32_t *allocate_activity(uint64_t n, uint32_t users, uint64_t cap, uint64_t seed)
{
    rng r;
    rng_seed(&r, seed, (1ULL << 62) + 1);
    uint32_t *k = xcalloc(users, sizeof *k);
    double *w = xcalloc(users, sizeof *w);
    uint64_t minact = n / users / 2;
    if (minact > MIN_ACTIVITY)
        minact = MIN_ACTIVITY;
    for (uint32_t u = 0; u < users; u++) {
        w[u] = pow(1.0 - rng_unif(&r), -1.0 / PARETO_ALPHA) - 0.9; /* > 0, median low */
        k[u] = (uint32_t)minact;
    }
    uint64_t rest = n - minact * users;
    while (rest > 0) {
        double total = 0;
        for (uint32_t u = 0; u < users; u++)
            if (k[u] < cap)
                total += w[u];
        uint64_t given = 0;
        for (uint32_t u = 0; u < users && total > 0; u++) {
            if (k[u] >= cap)
                continue;
            uint64_t add = (uint64_t)floor((double)rest * (w[u] / total));
            if (add > cap - k[u])
                add = cap - k[u];
            if (given + add > rest)
                add = rest - given;
            k[u] += (uint32_t)add;
            given += add;
        }
        if (given == 0) /* the remainder is smaller than the shares: one each */
            for (uint32_t u = 0; u < users && given < rest; u++)
                if (k[u] < cap) {
                    k[u]++;
                    given++;
                }
        rest -= given;
    }
    free(w);
    return k;
}

typedef struct {
    uint32_t liked, disliked; /* genre masks */
    int nliked, liked_g[3];
    double bias, taste_share;
    int whole_stars;
} user;

static void make_user(user *p, rng *r)
{
    memset(p, 0, sizeof *p);
    p->nliked = 1 + (int)rng_below(r, 3);
    for (int i = 0; i < p->nliked; i++) {
        int g = pick_genre(r);
        if (p->liked & (1u << g)) { /* no duplicates: a liked genre twice counts once */
            p->nliked = i;
            break;
        }
        p->liked |= 1u << g;
        p->liked_g[i] = g;
    }
    if (rng_unif(r) < 0.6) {
        int g = pick_genre(r);
        if (!(p->liked & (1u << g)))
            p->disliked = 1u << g;
    }
    p->bias = 0.4 * rng_normal(r);
    p->taste_share = 0.3 + 0.5 * rng_unif(r);
    p->whole_stars = rng_unif(r) < 0.3; /* MovieLens had whole stars before 2003 */
}

/* Distinct items for one user: rejection sampling against `mark` (item ->
 * last user that took it); if that stalls (a user rating most of a small
 * catalogue), the rest is filled by walking the popularity order. */
static uint32_t pick_item(const catalog *c, const user *p, uint32_t tag, uint32_t *mark,
                          uint64_t *attempts, uint64_t limit, uint64_t *walk, rng *r)
{
    while (*attempts < limit) {
        ++*attempts;
        uint32_t j;
        if (p->nliked && rng_unif(r) < p->taste_share) {
            int g = p->liked_g[rng_below(r, (uint64_t)p->nliked)];
            uint64_t n = c->goff[g + 1] - c->goff[g];
            if (n == 0)
                continue;
            j = c->gitem[c->goff[g] + draw_cdf(c->gcdf + c->goff[g], n, r)];
        } else {
            j = c->byrank[draw_cdf(c->cdf, c->n, r)];
        }
        if (mark[j] != tag) {
            mark[j] = tag;
            return j;
        }
    }
    for (;; ++*walk) { /* the caller guarantees an unmarked item exists */
        uint32_t j = c->byrank[*walk % c->n];
        if (mark[j] != tag) {
            mark[j] = tag;
            return j;
        }
    }
}

static int rating_halves(const user *p, const item *t, rng *r)
{
    double s = 3.2 + p->bias + t->bias + 0.75 * ((t->genres & p->liked) != 0) -
               1.3 * ((t->genres & p->disliked) != 0) + 0.75 * rng_normal(r);
    long h = p->whole_stars ? 2 * lround(s) : lround(2 * s);
    return h < 1 ? (p->whole_stars ? 2 : 1) : h > 10 ? 10 : (int)h;
}

static void write_ratings(const catalog *c, const uint32_t *k, uint32_t users,
                          const char *dir, uint64_t seed)
{
    static out o;
    out_open(&o, dir, "ratings.csv");
    out_cstr(&o, "userId,movieId,rating,timestamp\n");
    uint32_t *mark = xcalloc(c->n, sizeof *mark);
    for (uint32_t u = 0; u < users; u++) {
        rng r;
        user p;
        rng_seed(&r, seed, u);
        make_user(&p, &r);
        /* sessions of quick ratings separated by gaps of days; the span of a
         * heavy user is bounded so that timestamps stay in MovieLens years */
        double gap_days = 30.0;
        if (k[u] * 0.1 * gap_days > 4000)
            gap_days = 4000 / (k[u] * 0.1);
        double span = k[u] * (0.9 * 150 + 0.1 * gap_days * 86400);
        double t0 = T_START + rng_unif(&r) * fmax(0.0, T_END - T_START - span);
        uint64_t t = (uint64_t)t0, attempts = 0, walk = rng_below(&r, c->n);
        uint64_t limit = 20ULL * k[u] + 1000;
        for (uint32_t i = 0; i < k[u]; i++) {
            uint32_t j = pick_item(c, &p, u + 1, mark, &attempts, limit, &walk, &r);
            int h = rating_halves(&p, &c->it[j], &r);
            if (rng_unif(&r) < 0.9)
                t += 5 + rng_below(&r, 290);
            else
                t += (uint64_t)(-log(1.0 - rng_unif(&r)) * gap_days * 86400);
            /* increasing-ish: a few rows are stamped slightly before the last */
            uint64_t ts = rng_unif(&r) < 0.03 ? t - rng_below(&r, 120) : t;
            char rating[5] = {',', (char)('0' + h / 2), '.', h % 2 ? '5' : '0', ','};
            out_u64(&o, (uint64_t)u + 1);
            out_str(&o, ",", 1);
            out_u64(&o, c->it[j].movie_id);
            out_str(&o, rating, sizeof rating);
            out_u64(&o, ts);
            out_str(&o, "\n", 1);
        }
    }
    free(mark);
    out_close(&o);
}

/* ---- the latent model (--model latent) ----------------------------------- */
/* Pure Zipf popularity with a settable exponent, lognormal activity and
 * low-rank taste; the defaults are fitted to ml-latest-small (datasets/README.md
 * says how):
 *  - items: popularity rank k (0-based, in a random order of the items as
 *    above) has weight (k+1)^-zipf, drawn in O(1) from an alias table; D
 *    latent factors, 3/4 of their variance shared with the items of the same
 *    genres (so genres help a content model); a quality bias, a little higher
 *    for popular films (as in MovieLens);
 *  - users: activity round(exp(mu + sigma Z)) clipped to [min, items], mu
 *    solved so that the total is exactly the requested number of ratings; D
 *    latent factors; a rating bias; 40% rate in whole stars only;
 *  - a user is offered items by popularity and decides once per item to rate
 *    it, with probability 1/(1+exp(-taste a)), a = the user x item affinity
 *    (the dot product of the factors, about N(0,1)); averaged over users that
 *    is 1/2 for every item, so the popularity law holds while what a user
 *    rates follows their taste; deciding once caps the most popular film at
 *    about half of the users, as in MovieLens;
 *  - rating = LATENT_MEAN + user bias + item bias + LATENT_ALPHA a + noise, on
 *    the half-star grid: the rated items lean to high affinities, the ratings
 *    too;
 *  - timestamps strictly increasing per user, in rating order (sessions of
 *    quick ratings separated by days), so a time-ordered split is meaningful;
 *    a user's first ratings tend to be the most popular films.
 * The cost per rating is constant: a few alias draws, a D-dot product each. */

typedef struct {
    double zipf;      /* popularity weight of rank k: (k+1)^-zipf */
    double sigma, mu; /* activity lognormal(mu, sigma); mu NAN: solved for n */
    uint64_t min_act; /* activity clipped to [min_act, items] */
    int factors;      /* D */
    double taste;     /* how much the affinity decides what a user rates */
} latent_opts;

#define LATENT_MAX_FACTORS 64
#define LATENT_RHO 0.75       /* share of an item's factor variance given by its genres */
#define LATENT_MEAN 2.9       /* with the two below: mean rating 3.5, sd 1.04, 48% >= 4 */
#define LATENT_ALPHA 0.9      /* weight of the affinity in the rating */
#define LATENT_NOISE 0.8      /* sd of the rating noise */
#define LATENT_WHOLE 0.4      /* users rating in whole stars only (39.5% in ml-latest-small) */

/* Vose's alias method over the weights (k+1)^-s: a draw is one 64-bit number,
 * its high half picking a slot and its low half deciding slot or alias. */
static void build_alias(catalog *c, double s)
{
    uint32_t n = c->n;
    double *p = xcalloc(n, sizeof *p), sum = 0;
    uint32_t *small = xcalloc(n, sizeof *small), *large = xcalloc(n, sizeof *large);
    uint32_t ns = 0, nl = 0;
    for (uint32_t k = 0; k < n; k++)
        sum += p[k] = pow(k + 1.0, -s);
    for (uint32_t k = 0; k < n; k++) {
        p[k] *= n / sum;
        if (p[k] < 1)
            small[ns++] = k;
        else
            large[nl++] = k;
    }
    c->alias = xcalloc(n, sizeof *c->alias);
    c->thr = xcalloc(n, sizeof *c->thr);
    for (uint32_t k = 0; k < n; k++) { /* slots left over keep themselves */
        c->alias[k] = k;
        c->thr[k] = UINT32_MAX;
    }
    while (ns && nl) {
        uint32_t l = small[--ns], g = large[--nl];
        c->thr[l] = (uint32_t)(p[l] * 4294967296.0);
        c->alias[l] = g;
        p[g] = (p[g] + p[l]) - 1;
        if (p[g] < 1)
            small[ns++] = g;
        else
            large[nl++] = g;
    }
    free(p);
    free(small);
    free(large);
}

static uint32_t draw_alias(const catalog *c, rng *r)
{
    uint64_t x = rng_next(r);
    uint32_t k = (uint32_t)(((x >> 32) * c->n) >> 32);
    return (uint32_t)x < c->thr[k] ? k : c->alias[k];
}

static void make_latent_catalog(catalog *c, uint32_t n, int d, double zipf, uint64_t seed)
{
    make_items(c, n, seed);
    build_alias(c, zipf);
    rng r;
    rng_seed(&r, seed, (1ULL << 62) + 4);
    double gvec[NGENRES][LATENT_MAX_FACTORS];
    for (int g = 0; g < NGENRES; g++)
        for (int f = 0; f < d; f++)
            gvec[g][f] = rng_normal(&r);
    c->factor = xcalloc((size_t)n * (size_t)d, sizeof *c->factor);
    double scale = 1 / sqrt((double)d);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t j = c->byrank[k];
        item *t = &c->it[j];
        int ng = __builtin_popcount(t->genres);
        double own = ng ? sqrt(1 - LATENT_RHO) : 1, shared = ng ? sqrt(LATENT_RHO / ng) : 0;
        for (int f = 0; f < d; f++) {
            double v = own * rng_normal(&r);
            for (int g = 0; g < NGENRES; g++)
                if ((t->genres >> g) & 1)
                    v += shared * gvec[g][f];
            c->factor[(size_t)j * d + f] = (float)(v * scale);
        }
        /* quality: popular films rated a little higher (MovieLens: correlation
         * 0.27 between log count and mean rating) */
        double pop = log((double)n / (k + 1.0)) - 1;
        t->bias = (float)(0.3 * rng_normal(&r) + 0.15 * (pop > 2 ? 2 : pop));
    }
}

/* k[u] = round(c x[u]) clipped to [lo, hi]; returns the sum. */
static uint64_t fill_activity(uint32_t *k, const double *x, uint32_t users, double c,
                              uint64_t lo, uint64_t hi)
{
    uint64_t sum = 0;
    for (uint32_t u = 0; u < users; u++) {
        double v = floor(c * x[u] + 0.5);
        k[u] = (uint32_t)(v < (double)lo ? lo : v > (double)hi ? hi : (uint64_t)v);
        sum += k[u];
    }
    return sum;
}

/* Ratings per user, lognormal; *n is the requested total (mu NAN: the scale
 * exp(mu) is bisected for it, the last few ratings handed out one per user)
 * or is set to the total drawn (mu given). *mu_out: the mu used. */
static uint32_t *latent_activity(uint64_t *n, uint32_t users, uint32_t items,
                                 const latent_opts *o, uint64_t seed, double *mu_out)
{
    rng r;
    rng_seed(&r, seed, (1ULL << 62) + 3);
    double *x = xcalloc(users, sizeof *x);
    for (uint32_t u = 0; u < users; u++)
        x[u] = exp(o->sigma * rng_normal(&r));
    uint32_t *k = xcalloc(users, sizeof *k);
    if (!isnan(o->mu)) {
        *n = fill_activity(k, x, users, exp(o->mu), o->min_act, items);
        *mu_out = o->mu;
    } else { /* the total is nondecreasing in mu: keep total(lo) <= n */
        double lo = -100, hi = 100;
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            if (mid == lo || mid == hi)
                break;
            if (fill_activity(k, x, users, exp(mid), o->min_act, items) > *n)
                hi = mid;
            else
                lo = mid;
        }
        uint64_t total = fill_activity(k, x, users, exp(lo), o->min_act, items);
        while (total < *n)
            for (uint32_t u = 0; u < users && total < *n; u++)
                if (k[u] < items) {
                    k[u]++;
                    total++;
                }
        *mu_out = lo;
    }
    free(x);
    return k;
}

static double dotf(const float *a, const float *b, int d)
{
    float s = 0;
    for (int f = 0; f < d; f++)
        s += a[f] * b[f];
    return s;
}

/* A distinct item for one user: items are offered by popularity, and the
 * user decides once per item, taking it with probability 1/(1+exp(-taste a))
 * (mark: 2u+1 taken, 2u+2 declined by user u). Deciding once caps an item's
 * reach: even the most popular film is rated by about half of the users, as
 * in MovieLens, while mid-ranked items keep their share of the Zipf law. As
 * in pick_item, a walk in popularity order finishes users who would stall
 * (most of a small catalogue), declined items included. */
static uint32_t pick_latent(const catalog *c, const float *pu, int d, double taste,
                            uint32_t u, uint32_t *mark, uint64_t *attempts, uint64_t limit,
                            uint64_t *walk, rng *r, double *aff)
{
    uint32_t taken = 2 * u + 1, declined = 2 * u + 2;
    while (*attempts < limit) {
        ++*attempts;
        uint32_t j = c->byrank[draw_alias(c, r)];
        if (mark[j] == taken || mark[j] == declined)
            continue;
        double a = dotf(pu, c->factor + (size_t)j * d, d);
        if (rng_unif(r) * (1 + exp(-taste * a)) >= 1) {
            mark[j] = declined;
            continue;
        }
        mark[j] = taken;
        *aff = a;
        return j;
    }
    for (;; ++*walk) {
        uint32_t j = c->byrank[*walk % c->n];
        if (mark[j] != taken) {
            mark[j] = taken;
            *aff = dotf(pu, c->factor + (size_t)j * d, d);
            return j;
        }
    }
}

static void write_latent_ratings(const catalog *c, const uint32_t *k, uint32_t users,
                                 const latent_opts *lo, const char *dir, uint64_t seed)
{
    static out o;
    out_open(&o, dir, "ratings.csv");
    out_cstr(&o, "userId,movieId,rating,timestamp\n");
    uint32_t *mark = xcalloc(c->n, sizeof *mark);
    int d = lo->factors;
    for (uint32_t u = 0; u < users; u++) {
        rng r;
        rng_seed(&r, seed, u);
        float pu[LATENT_MAX_FACTORS];
        for (int f = 0; f < d; f++)
            pu[f] = (float)rng_normal(&r);
        double bias = 0.45 * rng_normal(&r); /* sd of user means: 0.48 in ml-latest-small */
        int whole = rng_unif(&r) < LATENT_WHOLE;
        double gap_days = 30.0; /* timestamps as in the classic model, no jitter */
        if (k[u] * 0.1 * gap_days > 4000)
            gap_days = 4000 / (k[u] * 0.1);
        double span = k[u] * (0.9 * 150 + 0.1 * gap_days * 86400);
        double t0 = T_START + rng_unif(&r) * fmax(0.0, T_END - T_START - span);
        uint64_t t = (uint64_t)t0, attempts = 0, walk = rng_below(&r, c->n);
        uint64_t limit = 50ULL * k[u] + 1000;
        for (uint32_t i = 0; i < k[u]; i++) {
            double a;
            uint32_t j = pick_latent(c, pu, d, lo->taste, u, mark, &attempts, limit,
                                     &walk, &r, &a);
            double s = LATENT_MEAN + bias + c->it[j].bias + LATENT_ALPHA * a +
                       LATENT_NOISE * rng_normal(&r);
            long h = whole ? 2 * lround(s) : lround(2 * s);
            h = h < 1 ? (whole ? 2 : 1) : h > 10 ? 10 : h;
            if (rng_unif(&r) < 0.9)
                t += 5 + rng_below(&r, 290);
            else /* a new session: at least 5 minutes later */
                t += 300 + (uint64_t)(-log(1.0 - rng_unif(&r)) * gap_days * 86400);
            char rating[5] = {',', (char)('0' + h / 2), '.', h % 2 ? '5' : '0', ','};
            out_u64(&o, (uint64_t)u + 1);
            out_str(&o, ",", 1);
            out_u64(&o, c->it[j].movie_id);
            out_str(&o, rating, sizeof rating);
            out_u64(&o, t);
            out_str(&o, "\n", 1);
        }
    }
    free(mark);
    out_close(&o);
}

/* ---- options ------------------------------------------------------------- */

/* Presets: the synthetic sets of the benchmarks (issue 6; 50 ratings per
 * user on average, a third of MovieLens', so at least 5 per user as in the
 * usual 5-core filtering rather than MovieLens' 20, which would put 45% of the
 * users at the minimum) and one shaped like ml-latest-small; each implies
 * --model latent. The bench sets have the same density (0.25%) and items. */
static const struct {
    const char *name;
    uint64_t n, users, items, min_act;
} presets[] = {
    {"bench-5m", 5000000, 100000, 20000, 5},
    {"bench-25m", 25000000, 500000, 20000, 5},
    {"ml-small", 100836, 610, 9724, 20},
};

#define DEFAULT_ZIPF 1.25
#define DEFAULT_SIGMA 1.15
#define DEFAULT_FACTORS 8
#define DEFAULT_TASTE 3.0

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--ratings N] [--users U] [--items I] [--seed S] --out DIR\n"
            "       %s --model latent [--zipf S] [--activity-sigma SIGMA] [--activity-mu MU]\n"
            "           [--min-activity M] [--factors D] [--taste B] [...] --out DIR\n"
            "       %s --preset NAME [options] --out DIR\n"
            "Writes DIR/ratings.csv and DIR/movies.csv, synthetic data in the MovieLens\n"
            "format; the same arguments always give the same bytes.\n"
            "  -n, --ratings N  number of ratings (default 100000)\n"
            "  -u, --users U    number of users (default N/150, at least 1)\n"
            "  -i, --items I    number of movies (default 10*sqrt(N), at least 10,\n"
            "                   raised so that the users can hold N distinct ratings)\n"
            "  -s, --seed S     random seed (default 1)\n"
            "  -o, --out DIR    output directory (created if missing)\n"
            "  -m, --model M    classic (default): Zipf-like popularity 1/(rank+c),\n"
            "                   Pareto activity, genre tastes; latent: the model below\n"
            "  -p, --preset P   sizes for --model latent (explicit options win):\n"
            "                   bench-5m   100000 users x 20000 items, 5000000 ratings,\n"
            "                              --min-activity 5\n"
            "                   bench-25m  500000 users x 20000 items, 25000000 ratings,\n"
            "                              --min-activity 5\n"
            "                   ml-small   610 users x 9724 items, 100836 ratings\n"
            "                              (the shape of ml-latest-small)\n"
            "  -v, --verbose    latent model: print its parameters (the solved MU) and\n"
            "                   the range of the activity to stderr\n"
            "The latent model (options that imply --model latent):\n"
            "  -z, --zipf S            item popularity: the item of rank r (1-based) is\n"
            "                          offered with weight r^-S (default %.2f; 0: uniform)\n"
            "      --activity-sigma X  ratings per user: round(exp(MU + X*Z)), Z normal,\n"
            "                          clipped to [M, I] (default X = %.2f)\n"
            "      --activity-mu MU    fix MU; the number of ratings is then what the\n"
            "                          users draw (not with --ratings). By default MU is\n"
            "                          solved so that the total is exactly N\n"
            "      --min-activity M    (default 20, or N/U/2 when that is smaller)\n"
            "                          (presets: bench-* 5, ml-small 20)\n"
            "      --factors D         latent taste factors of users and items, 3/4 of\n"
            "                          an item's from its genres (default %d, at most %d)\n"
            "      --taste B           a user rates an offered item with probability\n"
            "                          1/(1+exp(-B a)), a = user x item affinity ~ N(0,1);\n"
            "                          0: by popularity alone (default %.1f). Ratings are\n"
            "                          %.2f + user bias + item bias + %.2f a + noise\n",
            prog, prog, prog, DEFAULT_ZIPF, DEFAULT_SIGMA, DEFAULT_FACTORS,
            LATENT_MAX_FACTORS, DEFAULT_TASTE, LATENT_MEAN, LATENT_ALPHA);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v < lo || v > hi)
        die(2, "%s: '%s' is not an integer in [%" PRIu64 ", %" PRIu64 "]", opt, s, lo, hi);
    return v;
}

static double parse_double(const char *opt, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        die(2, "%s: '%s' is not a number in [%g, %g]", opt, s, lo, hi);
    return v;
}

enum { OPT_SIGMA = 256, OPT_MU, OPT_MIN, OPT_FACTORS, OPT_TASTE };

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ratings", required_argument, 0, 'n'},    {"users", required_argument, 0, 'u'},
        {"items", required_argument, 0, 'i'},      {"seed", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},        {"help", no_argument, 0, 'h'},
        {"model", required_argument, 0, 'm'},      {"preset", required_argument, 0, 'p'},
        {"verbose", no_argument, 0, 'v'},          {"zipf", required_argument, 0, 'z'},
        {"activity-sigma", required_argument, 0, OPT_SIGMA},
        {"activity-mu", required_argument, 0, OPT_MU},
        {"min-activity", required_argument, 0, OPT_MIN},
        {"factors", required_argument, 0, OPT_FACTORS},
        {"taste", required_argument, 0, OPT_TASTE},
        {0, 0, 0, 0}};
    uint64_t n = 100000, users = 0, items = 0, seed = 1;
    int n_set = 0, verbose = 0, model = -1; /* -1 unset, 0 classic, 1 latent */
    const char *dir = NULL, *latent_flag = NULL;
    int preset = -1;
    latent_opts lo = {DEFAULT_ZIPF, DEFAULT_SIGMA, NAN, 0, DEFAULT_FACTORS, DEFAULT_TASTE};
    int min_set = 0;
    int c;
    while ((c = getopt_long(argc, argv, "n:u:i:s:o:m:p:z:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = parse_u64("--ratings", optarg, 1, 100000000000ULL); n_set = 1; break;
        case 'u': users = parse_u64("--users", optarg, 1, 200000000); break;
        case 'i': items = parse_u64("--items", optarg, 1, 200000000); break;
        case 's': seed = parse_u64("--seed", optarg, 0, UINT64_MAX); break;
        case 'o': dir = optarg; break;
        case 'v': verbose = 1; break;
        case 'm':
            if (!strcmp(optarg, "classic"))
                model = 0;
            else if (!strcmp(optarg, "latent"))
                model = 1;
            else
                die(2, "--model: '%s' is not classic or latent", optarg);
            break;
        case 'p':
            preset = -1;
            for (int k = 0; k < (int)NELEM(presets); k++)
                if (!strcmp(optarg, presets[k].name))
                    preset = k;
            if (preset < 0)
                die(2, "--preset: unknown '%s' (bench-5m, bench-25m, ml-small)", optarg);
            latent_flag = "--preset";
            break;
        case 'z': lo.zipf = parse_double("--zipf", optarg, 0, 10); latent_flag = "--zipf"; break;
        case OPT_SIGMA:
            lo.sigma = parse_double("--activity-sigma", optarg, 0, 5);
            latent_flag = "--activity-sigma";
            break;
        case OPT_MU:
            lo.mu = parse_double("--activity-mu", optarg, -10, 20);
            latent_flag = "--activity-mu";
            break;
        case OPT_MIN:
            lo.min_act = parse_u64("--min-activity", optarg, 0, 200000000);
            min_set = 1;
            latent_flag = "--min-activity";
            break;
        case OPT_FACTORS:
            lo.factors = (int)parse_u64("--factors", optarg, 1, LATENT_MAX_FACTORS);
            latent_flag = "--factors";
            break;
        case OPT_TASTE:
            lo.taste = parse_double("--taste", optarg, 0, 100);
            latent_flag = "--taste";
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        die(2, "unexpected argument '%s' (try --help)", argv[optind]);
    if (!dir)
        die(2, "--out DIR is required (try --help)");
    if (latent_flag) {
        if (model == 0)
            die(2, "%s is an option of --model latent, not classic", latent_flag);
        model = 1;
    }
    if (model < 0)
        model = 0;
    if (!isnan(lo.mu) && n_set)
        die(2, "--activity-mu sets the number of ratings: give it or --ratings, not both");
    if (preset >= 0) {
        if (!n_set)
            n = presets[preset].n;
        if (!users)
            users = presets[preset].users;
        if (!items)
            items = presets[preset].items;
        if (!min_set) {
            lo.min_act = presets[preset].min_act;
            min_set = 1;
        }
    }
    if (!users)
        users = n / 150 ? n / 150 : 1;
    if (!items) {
        items = (uint64_t)(10.0 * sqrt((double)n));
        if (items < 10)
            items = 10;
        if (items * users < 2 * n) /* room for n distinct (user, item) pairs */
            items = (2 * n + users - 1) / users;
        if (items > 200000000)
            die(2, "--ratings %" PRIu64 " needs more users (--users)", n);
    }
    if (model == 1) {
        if (!min_set) {
            lo.min_act = isnan(lo.mu) ? n / users / 2 : MIN_ACTIVITY;
            if (lo.min_act > MIN_ACTIVITY)
                lo.min_act = MIN_ACTIVITY;
            if (lo.min_act > items)
                lo.min_act = items;
        }
        if (lo.min_act > items)
            die(2, "--min-activity %" PRIu64 " is more than the %" PRIu64 " items",
                lo.min_act, items);
        if (isnan(lo.mu) && lo.min_act * users > n)
            die(2, "%" PRIu64 " users x --min-activity %" PRIu64 " is more than %" PRIu64
                " ratings", users, lo.min_act, n);
    }
    if (items * users < n && isnan(lo.mu))
        die(2, "%" PRIu64 " users x %" PRIu64 " items cannot hold %" PRIu64
            " distinct ratings", users, items, n);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(1, "%s: %s", dir, strerror(errno));

    catalog cat;
    uint32_t *k;
    if (model == 0) {
        /* a user may rate at most half the catalogue (MovieLens' heaviest rate
         * about half), unless more is needed to fit n ratings */
        uint64_t cap = items / 2;
        if (cap * users < n)
            cap = items;
        make_catalog(&cat, (uint32_t)items, seed);
        write_movies(&cat, dir, seed);
        k = allocate_activity(n, (uint32_t)users, cap, seed);
        write_ratings(&cat, k, (uint32_t)users, dir, seed);
    } else {
        double mu;
        make_latent_catalog(&cat, (uint32_t)items, lo.factors, lo.zipf, seed);
        write_movies(&cat, dir, seed);
        k = latent_activity(&n, (uint32_t)users, (uint32_t)items, &lo, seed, &mu);
        if (verbose) {
            uint32_t kmin = UINT32_MAX, kmax = 0, at_min = 0;
            for (uint64_t u = 0; u < users; u++) {
                kmin = k[u] < kmin ? k[u] : kmin;
                kmax = k[u] > kmax ? k[u] : kmax;
                at_min += k[u] == lo.min_act;
            }
            fprintf(stderr,
                    "%s: latent model: %" PRIu64 " users x %" PRIu64 " items, %" PRIu64
                    " ratings; zipf %g; activity lognormal mu %.4f sigma %g clipped to [%"
                    PRIu64 ", %" PRIu64 "]: min %u, max %u, %u users at the minimum;"
                    " factors %d, taste %g\n",
                    prog, users, items, n, lo.zipf, mu, lo.sigma, lo.min_act, items, kmin,
                    kmax, at_min, lo.factors, lo.taste);
        }
        write_latent_ratings(&cat, k, (uint32_t)users, &lo, dir, seed);
    }
    free(k);
    free(cat.it);
    free(cat.byrank);
    free(cat.cdf);
    free(cat.gitem);
    free(cat.gcdf);
    free(cat.factor);
    free(cat.alias);
    free(cat.thr);
    return 0;
}
