/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* fileio.c - atomic outputs (temp file + rename) and whole-file inputs. */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decompress.h"

/* Temporary files currently open, removed by the signal handler and at exit
 * so that an interrupted or failed run (Ctrl-C, kill, closed pipe, an error
 * exit) leaves nothing behind. Paths
 * are stored in fixed buffers: the handler may only call async-signal-safe
 * functions such as unlink(). */
#define MAX_TEMPS 16
static char temp_paths[MAX_TEMPS][4096];
static volatile sig_atomic_t temp_used[MAX_TEMPS];
static int handlers_installed;

static void remove_temps(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temp_used[i])
            unlink(temp_paths[i]);
}

static void remove_temps_and_die(int sig)
{
    remove_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void)
{
    if (handlers_installed)
        return;
    handlers_installed = 1;
    /* A command that exits on an error before committing (exit(1) from
     * anywhere) leaves no temporary file behind either. */
    atexit(remove_temps);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_temps_and_die;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static int register_temp(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        if (!temp_used[i] && strlen(path) < sizeof temp_paths[i]) {
            strcpy(temp_paths[i], path);
            temp_used[i] = 1;
            return i;
        }
    }
    return -1;
}

static void unregister_temp(int slot)
{
    if (slot >= 0)
        temp_used[slot] = 0;
}

static void free_names(trec_outfile *out)
{
    free(out->path);
    free(out->tmp_path);
    out->path = out->tmp_path = NULL;
}

const char *trec_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* ---- where an output goes ------------------------------------------------ */

/* The descriptor of this process that p names (/dev/stdout, /dev/stderr,
 * /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N with our PID), or -1. */
static int named_descriptor(const char *p)
{
    if (strcmp(p, "/dev/stdout") == 0)
        return 1;
    if (strcmp(p, "/dev/stderr") == 0)
        return 2;
    char own[64];
    snprintf(own, sizeof own, "/proc/%ld/fd/", (long)getpid());
    const char *prefixes[] = {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/", own};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        const char *rest = p + n;
        if (strncmp(p, prefixes[i], n) == 0 && rest[0] && strlen(rest) <= 9 &&
            strspn(rest, "0123456789") == strlen(rest))
            return atoi(rest);
    }
    return -1;
}

/* The target of the symbolic link p, as a path (relative targets are taken
 * from p's directory); NULL if it cannot be read. */
static char *link_target(const char *p)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(p, buf, sizeof buf - 1);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    const char *slash = strrchr(p, '/');
    size_t dir = buf[0] == '/' || !slash ? 0 : (size_t)(slash - p) + 1;
    char *out = malloc(dir + (size_t)n + 1);
    if (out) {
        memcpy(out, p, dir);
        memcpy(out + dir, buf, (size_t)n + 1);
    }
    return out;
}

/* What writing path would replace, following symbolic links: a descriptor
 * of this process (*fd >= 0), or *target (malloc'd), which is not a link. */
static int resolve_output(const char *path, char **target, int *fd, trec_error *err)
{
    char *cur = strdup(path);
    *target = NULL;
    *fd = -1;
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if ((*fd = named_descriptor(cur)) >= 0) {
            free(cur);
            return 0;
        }
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            *target = cur;
            return 0;
        }
        if (hops == 40) {
            free(cur);
            return trec_fail(err, "%s: too many levels of symbolic links", path);
        }
        char *next = link_target(cur);
        if (!next) {
            int e = trec_fail_errno(err, "%s: cannot read the symbolic link %s", path, cur);
            free(cur);
            return e;
        }
        free(cur);
        cur = next;
    }
    return trec_fail(err, "out of memory");
}

int trec_output_is_stream(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 1;
    char *target;
    int fd;
    struct stat st;
    if (resolve_output(path, &target, &fd, NULL) != 0)
        return 0;
    int stream = fd >= 0 ||
                 (stat(target, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
    free(target);
    return stream;
}

/* path with its directory resolved (realpath) and its last component
 * kept; a copy of path when the directory cannot be resolved. */
static char *canonical_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[PATH_MAX], real[PATH_MAX];
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!slash)
        strcpy(dir, ".");
    else if (n == 0)
        strcpy(dir, "/");
    else if (n < sizeof dir)
        memcpy(dir, path, n), dir[n] = '\0';
    else
        return strdup(path);
    if (!realpath(dir, real))
        return strdup(path);
    size_t len = strlen(real) + strlen(base) + 2;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%s%s%s", real, strcmp(real, "/") == 0 ? "" : "/", base);
    return out;
}

int trec_output_same_file(const char *a, const char *b)
{
    if (trec_output_is_stream(a) || trec_output_is_stream(b))
        return 0;
    char *ta = NULL, *tb = NULL, *ca = NULL, *cb = NULL;
    int fa, fb, same;
    struct stat sa, sb;
    if (resolve_output(a, &ta, &fa, NULL) != 0 || resolve_output(b, &tb, &fb, NULL) != 0)
        same = strcmp(a, b) == 0;
    else if (stat(ta, &sa) == 0 && stat(tb, &sb) == 0)
        same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    else
        same = (ca = canonical_path(ta)) && (cb = canonical_path(tb)) && strcmp(ca, cb) == 0;
    free(ta);
    free(tb);
    free(ca);
    free(cb);
    return same;
}

/* ---- temporary files ------------------------------------------------------ */

/* This machine, in temporary names (FNV-1a of the host name), so that a
 * process id is only ever checked on the machine that wrote it (an output
 * directory may be shared over the network). */
static unsigned host_tag(void)
{
    char name[256] = "";
    gethostname(name, sizeof name - 1);
    uint32_t h = 2166136261u;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* Parses the "HOST.PID.XXXXXX" after "NAME.tmp." of a temporary name
 * (more may follow: a staged output's own temporary). Returns 1 on a match. */
static int parse_temp_name(const char *s, unsigned *host, long *pid)
{
    if (strspn(s, "0123456789abcdef") != 8 || s[8] != '.')
        return 0;
    *host = (unsigned)strtoul(s, NULL, 16);
    s += 9;
    size_t digits = strspn(s, "0123456789");
    if (digits == 0 || digits > 9 || s[digits] != '.')
        return 0;
    *pid = atol(s);
    s += digits + 1;
    size_t x = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    return x == 6 && (s[6] == '\0' || s[6] == '.');
}

/* The directory of path into dir ("." or "/" when path has none); 0, or -1
 * if it does not fit. */
static int dir_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    if (n >= size)
        return -1;
    memcpy(dir, slash ? path : ".", n);
    dir[n] = '\0';
    return 0;
}

/* Removes the temporaries of target left behind by a process of this
 * machine that no longer runs (killed, or crashed, mid-write). */
static void remove_stale_temps(const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    char dir[PATH_MAX], prefix[NAME_MAX + 8];
    if (dir_of(target, dir, sizeof dir) != 0 || strlen(base) + 6 >= sizeof prefix)
        return;
    snprintf(prefix, sizeof prefix, "%s.tmp.", base);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return;
    unsigned me = host_tag(), host;
    long pid;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, plen) != 0 ||
            !parse_temp_name(e->d_name + plen, &host, &pid) || host != me ||
            pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* The replaced file's owner and mode, where we may set them; for a new file
 * the usual umask-based mode (mkstemp makes it 0600). */
static void set_mode(int fd, const struct stat *old)
{
    if (old) {
        /* chown first: it may clear set-id bits, which fchmod then restores. */
        if (fchown(fd, old->st_uid, old->st_gid) != 0) {
            /* not ours to give away: the file stays ours */
        }
        fchmod(fd, old->st_mode & 07777);
        return;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
}

/* ---- opening, committing, aborting ---------------------------------------- */

static int open_descriptor(trec_outfile *out, const char *path, int fd, trec_error *err)
{
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (d < 0)
        return trec_fail_errno(err, "%s: cannot write to descriptor %d", path, fd);
    out->fp = fdopen(d, "wb");
    out->path = strdup(path);
    if (!out->fp || !out->path) {
        if (out->fp)
            fclose(out->fp);
        else
            close(d);
        free(out->path);
        memset(out, 0, sizeof *out);
        out->slot = -1;
        return trec_fail(err, "out of memory");
    }
    return 0;
}

/* A device or a pipe (/dev/null, a FIFO): written straight into; renaming
 * over it would replace the device with a regular file. Takes target. */
static int open_stream(trec_outfile *out, const char *path, char *target, trec_error *err)
{
    out->fp = fopen(target, "wb");
    if (!out->fp) {
        free(target);
        return trec_fail_errno(err, "%s: cannot open for writing", path);
    }
    out->path = target;
    return 0;
}

/* A regular file (or none yet): a temporary beside it, named
 * TARGET.tmp.HOST.PID.XXXXXX (see trec-formats(5)). Takes target. */
static int open_temporary(trec_outfile *out, const char *path, char *target,
                          const struct stat *old, trec_error *err)
{
    remove_stale_temps(target);
    size_t n = strlen(target) + 48;
    out->path = target;
    out->tmp_path = malloc(n);
    if (!out->tmp_path) {
        free_names(out);
        return trec_fail(err, "out of memory");
    }
    snprintf(out->tmp_path, n, "%s.tmp.%08x.%ld.XXXXXX", target, host_tag(),
             (long)getpid());
    install_handlers();
    sigset_t block, prev;
    sigfillset(&block);
    sigprocmask(SIG_BLOCK, &block, &prev);
    int fd = mkstemp(out->tmp_path);
    if (fd >= 0)
        out->slot = register_temp(out->tmp_path);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    if (fd < 0) {
        int e = trec_fail_errno(err, "%s: cannot create output file", path);
        free_names(out);
        return e;
    }
    set_mode(fd, old);
    out->fp = fdopen(fd, "wb");
    if (!out->fp) {
        int e = trec_fail_errno(err, "%s: cannot open output file", path);
        close(fd);
        trec_outfile_abort(out);
        return e;
    }
    return 0;
}

int trec_outfile_open(trec_outfile *out, const char *path, trec_error *err)
{
    memset(out, 0, sizeof *out);
    out->slot = -1;
    if (strcmp(path, "-") == 0) {
        out->fp = stdout;
        return 0;
    }
    char *target;
    int fd;
    if (resolve_output(path, &target, &fd, err) != 0)
        return -1;
    if (fd >= 0)
        return open_descriptor(out, path, fd, err);
    struct stat st;
    int exists = stat(target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        free(target);
        return trec_fail(err, "%s: is a directory", path);
    }
    if (exists && !S_ISREG(st.st_mode))
        return open_stream(out, path, target, err);
    return open_temporary(out, path, target, exists ? &st : NULL, err);
}

void trec_outfile_abort(trec_outfile *out)
{
    if (!out->tmp_path) { /* stdout, a descriptor or a device: nothing to remove */
        if (out->fp && out->path)
            fclose(out->fp);
        else if (out->fp)
            fflush(out->fp);
        out->fp = NULL;
        free_names(out);
        return;
    }
    if (out->fp)
        fclose(out->fp);
    out->fp = NULL;
    unlink(out->tmp_path);
    unregister_temp(out->slot);
    free_names(out);
}

static int commit_stream(trec_outfile *out, trec_error *err)
{
    int bad = fflush(out->fp) != 0 || ferror(out->fp);
    if (out->path && fclose(out->fp) != 0)
        bad = 1;
    out->fp = NULL;
    int e = bad ? trec_fail_errno(err, "%s: write failed",
                                  out->path ? out->path : "<stdout>") : 0;
    free_names(out);
    return e;
}

/* fsync that tolerates file systems without it (EINVAL: a pipe-like or
 * special file system). */
static int sync_fd(int fd)
{
    return fsync(fd) == 0 || errno == EINVAL || errno == ENOTSUP ? 0 : -1;
}

/* Makes a rename in path's directory durable (best effort: the file itself
 * is already in place). */
static void sync_directory(const char *path)
{
    char dir[PATH_MAX];
    if (dir_of(path, dir, sizeof dir) != 0)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        sync_fd(fd);
        close(fd);
    }
}

int trec_outfile_commit(trec_outfile *out, trec_error *err)
{
    if (!out->tmp_path)
        return commit_stream(out, err);
    const char *name = out->path;
    /* The bytes reach the disk before the name does, so that a power loss
     * leaves the old file or the complete new one, never an empty one. */
    if (fflush(out->fp) != 0 || ferror(out->fp) || sync_fd(fileno(out->fp)) != 0) {
        int e = trec_fail_errno(err, "%s: write failed", name);
        trec_outfile_abort(out);
        return e;
    }
    if (fclose(out->fp) != 0) {
        out->fp = NULL;
        int e = trec_fail_errno(err, "%s: close failed", name);
        trec_outfile_abort(out);
        return e;
    }
    out->fp = NULL;
    if (rename(out->tmp_path, out->path) != 0) {
        int e = trec_fail_errno(err, "%s: cannot rename temporary file into place", name);
        trec_outfile_abort(out);
        return e;
    }
    unregister_temp(out->slot);
    sync_directory(out->path);
    free_names(out);
    return 0;
}

FILE *trec_open_input(const char *path, trec_error *err)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        trec_fail_errno(err, "%s: cannot open", path);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        trec_fail(err, "%s: is a directory", path);
        return NULL;
    }
    return fp;
}

void trec_close_input(FILE *fp)
{
    if (fp && fp != stdin)
        fclose(fp);
}

int trec_read_file(const char *path, uint8_t **buf, size_t *len, trec_error *err)
{
    *buf = NULL;
    *len = 0;
    FILE *fp = trec_open_input(path, err);
    if (!fp)
        return -1;
    const char *name = trec_display_name(path);
    /* Text inputs may be gzip-compressed (decompress.h). */
    trec_input in;
    if (trec_input_open(&in, fileno(fp), name, err) != 0) {
        trec_close_input(fp);
        return -1;
    }
    size_t cap = 1 << 16;
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1;
    uint8_t *data = trec_aligned_alloc(cap, err);
    size_t n = 0;
    while (data) {
        if (n + 1 >= cap) {
            size_t ncap = cap * 2;
            uint8_t *nd = trec_aligned_alloc(ncap, err);
            if (nd)
                memcpy(nd, data, n);
            free(data);
            data = nd;
            cap = ncap;
            if (!data)
                break;
        }
        ssize_t got = trec_input_read(&in, data + n, cap - 1 - n, err);
        if (got < 0) {
            free(data);
            data = NULL;
            break;
        }
        n += (size_t)got;
        if (got == 0)
            break;
    }
    trec_input_close(&in);
    trec_close_input(fp);
    if (!data)
        return -1;
    data[n] = 0;
    *buf = data;
    *len = n;
    return 0;
}
