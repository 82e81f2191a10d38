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

static void make_catalog(catalog *c, uint32_t n, uint64_t seed)
{
    rng r;
    rng_seed(&r, seed, 1ULL << 62);
    c->n = n;
    c->it = xcalloc(n, sizeof *c->it);
    c->byrank = xcalloc(n, sizeof *c->byrank);
    c->cdf = xcalloc(n, sizeof *c->cdf);
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

/* ---- options ------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--ratings N] [--users U] [--items I] [--seed S] --out DIR\n"
            "Writes DIR/ratings.csv and DIR/movies.csv, synthetic data in the MovieLens\n"
            "format; the same arguments always give the same bytes.\n"
            "  -n, --ratings N  number of ratings (default 100000)\n"
            "  -u, --users U    number of users (default N/150, at least 1)\n"
            "  -i, --items I    number of movies (default 10*sqrt(N), at least 10,\n"
            "                   raised so that the users can hold N distinct ratings)\n"
            "  -s, --seed S     random seed (default 1)\n"
            "  -o, --out DIR    output directory (created if missing)\n",
            prog);
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

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ratings", required_argument, 0, 'n'}, {"users", required_argument, 0, 'u'},
        {"items", required_argument, 0, 'i'},   {"seed", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    uint64_t n = 100000, users = 0, items = 0, seed = 1;
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "n:u:i:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = parse_u64("--ratings", optarg, 1, 100000000000ULL); break;
        case 'u': users = parse_u64("--users", optarg, 1, 200000000); break;
        case 'i': items = parse_u64("--items", optarg, 1, 200000000); break;
        case 's': seed = parse_u64("--seed", optarg, 0, UINT64_MAX); break;
        case 'o': dir = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc)
        die(2, "unexpected argument '%s' (try --help)", argv[optind]);
    if (!dir)
        die(2, "--out DIR is required (try --help)");
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
    if (items * users < n)
        die(2, "%" PRIu64 " users x %" PRIu64 " items cannot hold %" PRIu64
            " distinct ratings", users, items, n);
    /* a user may rate at most half the catalogue (MovieLens' heaviest rate
     * about half), unless more is needed to fit n ratings */
    uint64_t cap = items / 2;
    if (cap * users < n)
        cap = items;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die(1, "%s: %s", dir, strerror(errno));

    catalog cat;
    make_catalog(&cat, (uint32_t)items, seed);
    write_movies(&cat, dir, seed);
    uint32_t *k = allocate_activity(n, (uint32_t)users, cap, seed);
    write_ratings(&cat, k, (uint32_t)users, dir, seed);
    free(k);
    free(cat.it);
    free(cat.byrank);
    free(cat.cdf);
    free(cat.gitem);
    free(cat.gcdf);
    return 0;
}
