/* fileio.c - atomic outputs (temp file + rename) and whole-file inputs. */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int trec_outfile_open(trec_outfile *out, const char *path, trec_error *err)
{
    memset(out, 0, sizeof *out);
    out->slot = -1;
    if (strcmp(path, "-") == 0) {
        out->fp = stdout;
        return 0;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return trec_fail(err, "%s: is a directory", path);
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device or a pipe (/dev/null, a FIFO): write straight into it;
         * renaming over it would replace the device with a regular file. */
        out->fp = fopen(path, "wb");
        if (!out->fp)
            return trec_fail_errno(err, "%s: cannot open for writing", path);
        out->path = strdup(path);
        if (!out->path) {
            fclose(out->fp);
            out->fp = NULL;
            return trec_fail(err, "out of memory");
        }
        return 0;
    }
    size_t n = strlen(path);
    out->path = strdup(path);
    out->tmp_path = malloc(n + 16);
    if (!out->path || !out->tmp_path) {
        free(out->path);
        free(out->tmp_path);
        return trec_fail(err, "out of memory");
    }
    /* Same directory as the target, so rename() is atomic. */
    snprintf(out->tmp_path, n + 16, "%s.tmp.XXXXXX", path);
    install_handlers();
    sigset_t block, old;
    sigfillset(&block);
    sigprocmask(SIG_BLOCK, &block, &old);
    int fd = mkstemp(out->tmp_path);
    if (fd >= 0)
        out->slot = register_temp(out->tmp_path);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        int e = trec_fail_errno(err, "%s: cannot create output file", path);
        free(out->path);
        free(out->tmp_path);
        out->path = out->tmp_path = NULL;
        return e;
    }
    /* mkstemp makes the file 0600; give it the usual umask-based mode. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    out->fp = fdopen(fd, "wb");
    if (!out->fp) {
        int e = trec_fail_errno(err, "%s: cannot open output file", path);
        close(fd);
        trec_outfile_abort(out);
        return e;
    }
    return 0;
}

void trec_outfile_abort(trec_outfile *out)
{
    if (!out->tmp_path) { /* stdout or a device: nothing to remove */
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

int trec_outfile_commit(trec_outfile *out, trec_error *err)
{
    if (!out->tmp_path) { /* stdout or a device */
        int bad = fflush(out->fp) != 0 || ferror(out->fp);
        if (out->path && fclose(out->fp) != 0)
            bad = 1;
        out->fp = NULL;
        if (bad) {
            int e = trec_fail_errno(err, "%s: write failed", out->path ? out->path : "<stdout>");
            free_names(out);
            return e;
        }
        free_names(out);
        return 0;
    }
    const char *name = out->path;
    if (fflush(out->fp) != 0 || ferror(out->fp)) {
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
        size_t got = fread(data + n, 1, cap - 1 - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                trec_fail_errno(err, "%s: read failed", name);
                free(data);
                data = NULL;
            }
            break;
        }
    }
    trec_close_input(fp);
    if (!data)
        return -1;
    data[n] = 0;
    *buf = data;
    *len = n;
    return 0;
}
