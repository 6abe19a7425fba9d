/* The loop shared by the C workers of the benchmark: arguments, timing, percentiles, and the one
 * JSON line every worker prints (see bench/harness.py). A worker defines setup(), call() and
 * teardown(); call() may run on several threads at once when the worker says it is thread-safe.
 * Each thread makes its share of the warm-up calls, then, after a barrier, the timed calls: the
 * connections a thread opened while warming up are the ones it reuses. */
#ifndef PHLO_BENCH_H
#define PHLO_BENCH_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BENCH_AUTH_ID "MAXXXXXXXXXXXXXXXXXX"
#define BENCH_AUTH_TOKEN "token123"
#define BENCH_PHLO "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b"
#define BENCH_NODE "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d"
#define BENCH_BODY \
    "{\"action\":\"cold_transfer\",\"to\":\"+14152225555\",\"role\":\"agent\",\"trigger_source\":\"+14152223333\"}"

/* Set up the client for base URL `url`; 0 on success. */
static int setup(const char *url);
/* One cold transfer; 0 on success, else writes a message into err (size errlen). */
static int call(char *err, size_t errlen);
static void teardown(void);
/* Whether call() may run on several threads at once. */
static int thread_safe(void);

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process (every thread), user and system, in seconds (getrusage). */
static void cpu_s(double *user, double *sys) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

struct tally {
    size_t calls, warm_calls, n, errors, warm_errors;
    double seconds;
    double *lat_us;
    char first_error[256];
    pthread_barrier_t *warm_done, *start;
};

/* `calls` calls or until `deadline`; latencies into lat_us when it is not NULL. */
static void run_calls(struct tally *t, size_t calls, double deadline, double *lat_us, size_t *errors) {
    char err[256];
    for (size_t i = 0; i < calls; i++) {
        double t0 = now_s();
        int rc = call(err, sizeof err);
        double t1 = now_s();
        if (rc == 0) {
            if (lat_us) lat_us[t->n++] = (t1 - t0) * 1e6;
        } else {
            if (t->errors + t->warm_errors == 0) snprintf(t->first_error, sizeof t->first_error, "%s", err);
            (*errors)++;
        }
        if (t1 > deadline) break;
    }
}

static void *run_thread(void *arg) {
    struct tally *t = arg;
    run_calls(t, t->warm_calls, now_s() + t->seconds, NULL, &t->warm_errors);
    pthread_barrier_wait(t->warm_done);
    pthread_barrier_wait(t->start);
    run_calls(t, t->calls, now_s() + t->seconds, t->lat_us, &t->errors);
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *s, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q * (double)n + 0.999999999);
    if (i < 1) i = 1;
    if (i > n) i = n;
    return s[i - 1];
}

/* The peak resident set of this process in KiB (VmHWM; reset by exec, unlike ru_maxrss). */
static long peak_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    if (!f) return 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6)) { kib = strtol(line + 6, NULL, 10); break; }
    fclose(f);
    return kib;
}

static void json_print_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

/* Runs `threads` threads, each making its share of `warmup` calls then of `calls` timed calls;
 * returns the merged tally and the timed phase's elapsed and CPU (user, system) seconds. */
static double run_all(int threads, size_t warmup, size_t calls, double seconds, struct tally *out,
                      double *user, double *sys) {
    struct tally *ts = calloc((size_t)threads, sizeof *ts);
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    pthread_barrier_t warm_done, start;
    pthread_barrier_init(&warm_done, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    size_t per = (calls + (size_t)threads - 1) / (size_t)threads;
    for (int i = 0; i < threads; i++) {
        ts[i].calls = per;
        ts[i].warm_calls = (warmup + (size_t)threads - 1) / (size_t)threads;
        ts[i].seconds = seconds;
        ts[i].lat_us = calloc(per ? per : 1, sizeof(double));
        ts[i].warm_done = &warm_done;
        ts[i].start = &start;
        pthread_create(&th[i], NULL, run_thread, &ts[i]);
    }
    pthread_barrier_wait(&warm_done);
    double u0, s0, u1, s1;
    cpu_s(&u0, &s0);
    double t0 = now_s();
    pthread_barrier_wait(&start);
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double elapsed = now_s() - t0;
    cpu_s(&u1, &s1);
    *user = u1 - u0;
    *sys = s1 - s0;
    memset(out, 0, sizeof *out);
    out->lat_us = calloc(per * (size_t)threads + 1, sizeof(double));
    for (int i = 0; i < threads; i++) {
        memcpy(out->lat_us + out->n, ts[i].lat_us, ts[i].n * sizeof(double));
        out->n += ts[i].n;
        out->calls += ts[i].n + ts[i].errors;
        if ((ts[i].errors || ts[i].warm_errors) && !out->errors && !out->warm_errors)
            memcpy(out->first_error, ts[i].first_error, sizeof out->first_error);
        out->errors += ts[i].errors;
        out->warm_errors += ts[i].warm_errors;
        free(ts[i].lat_us);
    }
    pthread_barrier_destroy(&warm_done);
    pthread_barrier_destroy(&start);
    free(ts);
    free(th);
    return elapsed;
}

static int bench_main(const char *name, int argc, char **argv) {
    const char *url = NULL;
    size_t calls = 1000, warmup = (size_t)-1;
    int threads = 1, oneshot = 0;
    double seconds = 30;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--oneshot")) { oneshot = 1; continue; }
        if (!v) { fprintf(stderr, "%s: %s needs a value\n", name, a); return 2; }
        if (!strcmp(a, "--url")) url = v;
        else if (!strcmp(a, "--calls")) calls = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--warmup")) warmup = strtoul(v, NULL, 10);
        else { fprintf(stderr, "%s: unknown argument %s\n", name, a); return 2; }
        i++;
    }
    if (!url) { fprintf(stderr, "%s: --url is required\n", name); return 2; }
    if (threads < 1) threads = 1;
    if (threads > 1 && !thread_safe()) { fprintf(stderr, "%s: this path is not thread-safe\n", name); return 2; }
    if (setup(url) != 0) return 1;
    if (oneshot) {
        char err[256];
        int rc = call(err, sizeof err);
        if (rc) fprintf(stderr, "%s: %s\n", name, err);
        teardown();
        return rc ? 1 : 0;
    }
    if (warmup == (size_t)-1) { warmup = calls / 10; if (warmup < 1) warmup = 1; if (warmup > 200) warmup = 200; }
    struct tally t;
    double user, sys;
    double elapsed = run_all(threads, warmup, calls, seconds, &t, &user, &sys);
    qsort(t.lat_us, t.n, sizeof(double), cmp_double);
    printf("{\"path\":");
    json_print_str(name);
    printf(",\"threads\":%d,\"calls\":%zu,\"errors\":%zu,\"elapsed_s\":%.6f,\"cpu_s\":%.6f,\"user_s\":%.6f,"
           "\"sys_s\":%.6f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"rss_kib\":%ld,\"first_error\":",
           threads, t.calls, t.errors + t.warm_errors, elapsed, user + sys, user, sys, percentile(t.lat_us, t.n, 0.5),
           percentile(t.lat_us, t.n, 0.99), peak_rss_kib());
    if (t.errors || t.warm_errors) json_print_str(t.first_error);
    else printf("null");
    printf("}\n");
    free(t.lat_us);
    teardown();
    return 0;
}

#endif
