/* Copyright (c) 2026 the trec authors. SPDX-License-Identifier: BSD-3-Clause */
/* peak-rss.c - runs a command and reports its peak resident memory and wall
 * time, for benchmarks (scripts/bench.sh) on systems without GNU time.
 *
 *   peak-rss CMD [ARGS...]
 * prints to stderr, after CMD ends:
 *   peak-rss: max_rss_kib=K wall_seconds=S cpu_seconds=C status=X
 * and exits with CMD's exit status (128+N when killed by signal N; 127 when
 * CMD cannot be run). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(stderr, "usage: peak-rss CMD [ARGS...]\n");
        return 2;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "peak-rss: error: fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "peak-rss: error: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    /* the command gets ^C; we stay to report and pass its status on */
    signal(SIGINT, SIG_IGN);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "peak-rss: error: wait4: %s\n", strerror(errno));
            return 127;
        }
    }
    double wall = now() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status)
               : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
    /* Linux reports ru_maxrss in KiB; cpu_seconds (user + system) is steadier
     * than wall time on a shared machine */
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    fprintf(stderr, "peak-rss: max_rss_kib=%ld wall_seconds=%.6f cpu_seconds=%.6f status=%d\n",
            ru.ru_maxrss, wall, cpu, code);
    return code;
}
