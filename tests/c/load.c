/* Concurrency and load: one handle shared by 8 threads making thousands of
 * mixed calls while the simulator injects faults, with every result and every request accounted
 * for; then a long loop on one handle whose memory stays flat.
 *
 * Phase 1, exact accounting. Faults are pinned to dedicated paths for the whole phase (503 and
 * 429 with Retry-After: 0 on two reads, reset_before, 429 and 500 on three members' actions), so
 * every call's outcome is known in advance and a success takes exactly one attempt. Checked:
 * each call gives its expected status, last-error kind and attempts; successes + each error kind
 * = calls made; and, path by path, the simulator's request log holds exactly as many requests as
 * the client reports attempts (resets, which the simulator does not log, are matched against its
 * resets_before counter). No request lost, none duplicated.
 *
 * Phase 2, faults interleaved at random. The same mix, while another thread keeps queueing
 * one-shot faults (one per 8 calls made) (503/502 with Retry-After: 0 on reads, 429 with Retry-After: 0 on the member
 * actions, reset_before on reads) on the paths the healthy calls use, so a success may now hide
 * retries. Every attempt that reaches the simulator is either caught by a fault (the simulator's
 * fault queue says how many uses were consumed: F) or gets the real answer, which ends its call
 * (a success or a final 404). So the simulator's count (logged requests + resets) must equal
 * F + successes + 404s, and the attempts of calls that failed on faults must be covered by F.
 *
 * Phase 3, the long loop: N calls (100,000 by default: reads, 404s and invalid arguments) on one
 * handle from one thread, with the resident set size read from /proc/self/statm; its growth
 * between the 10% mark and the end must stay under 2 MiB.
 *
 * Usage: load [THREADS CALLS LOOP RSS_CHECK]   (default 8 500 100000 1; under valgrind
 * tests/suites/c.sh runs "8 50 2000 0": valgrind then checks for leaks). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define RUN_503 "5d3a2c1b-0f9e-4d8c-b7a6-503503503503"
#define RUN_429 "5d3a2c1b-0f9e-4d8c-b7a6-429429429429"
#define MEMBER "+14153336666"        /* a connected member of the MPC: hold / unhold */
#define BRIDGE_MEMBER "+14155550123" /* a member of the bridge: mute / unmute */
#define RESET_MEMBER "+14150001111"  /* actions on it are reset before they are read */
#define LIMITED_MEMBER "+14150002222" /* actions on it are always rate limited */
#define FAILING_MEMBER "+14150003333" /* actions on it always get a 500 */
#define ABSENT_MEMBER "+19995550000"  /* not in the call: 404 */
#define MPC_PATH "/v1/phlo/" PHLO_ID "/multi_party_call/" MPC_NODE
#define BRIDGE_PATH "/v1/phlo/" PHLO_ID "/conference_bridge/" BRIDGE_NODE

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the kinds of call ---- */

#define N_STATUS (PHLO_PANIC + 1)

typedef struct {
  const char *name;
  const char *op;      /* operation for phlo_client_call, or NULL for a special call */
  const char *params;  /* its params_json */
  const char *path;    /* the request path it makes (for the per-path count), or NULL */
  phlo_status want;    /* phase 1: the status it must give */
  int attempts;        /* phase 1: the attempts reported on failure (successes: 1) */
  int reset;           /* its attempts are reset before they are read (not logged) */
} call_kind;

static const call_kind KINDS[] = {
    {"get_phlo", "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", "/v1/phlo/" PHLO_ID, PHLO_OK, 1, 0},
    {"get_multi_party_call", "get_multi_party_call",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\"}", MPC_PATH, PHLO_OK, 1, 0},
    {"get_conference_bridge", "get_conference_bridge",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" BRIDGE_NODE "\"}", BRIDGE_PATH, PHLO_OK, 1, 0},
    {"mpc_member_hold", "mpc_member_hold",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" MEMBER "\"}",
     MPC_PATH "/members/" MEMBER, PHLO_OK, 1, 0},
    {"mpc_member_unhold", "mpc_member_unhold",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" MEMBER "\"}",
     MPC_PATH "/members/" MEMBER, PHLO_OK, 1, 0},
    {"bridge_member_mute", "bridge_member_mute",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" BRIDGE_NODE "\",\"member_id\":\"" BRIDGE_MEMBER
     "\"}",
     BRIDGE_PATH "/members/" BRIDGE_MEMBER, PHLO_OK, 1, 0},
    {"bridge_member_unmute", "bridge_member_unmute",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" BRIDGE_NODE "\",\"member_id\":\"" BRIDGE_MEMBER
     "\"}",
     BRIDGE_PATH "/members/" BRIDGE_MEMBER, PHLO_OK, 1, 0},
    {"get_phlo of an unknown PHLO (404)", "get_phlo", "{\"phlo_id\":\"" UNKNOWN_PHLO "\"}",
     "/v1/phlo/" UNKNOWN_PHLO, PHLO_NOT_FOUND, 1, 0},
    {"hold of a member not in the call (404)", "mpc_member_hold",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" ABSENT_MEMBER
     "\"}",
     MPC_PATH "/members/" ABSENT_MEMBER, PHLO_NOT_FOUND, 1, 0},
    {"get_phlo with a bad id", "get_phlo", "{\"phlo_id\":\"bad/id\"}", NULL, PHLO_INVALID_ARGUMENT,
     0, 0},
    {"an unknown operation", "teleport", "{}", NULL, PHLO_INVALID_ARGUMENT, 0, 0},
    {"a NULL out_json", NULL, NULL, NULL, PHLO_NULL_POINTER, 0, 0},
    {"an operation that is not UTF-8", "get_\xff", "{}", NULL, PHLO_INVALID_UTF8, 0, 0},
    {"a read always 503 (Retry-After: 0)", "get_phlo_run",
     "{\"phlo_id\":\"" PHLO_ID "\",\"run_id\":\"" RUN_503 "\"}",
     "/v1/phlo/" PHLO_ID "/runs/" RUN_503, PHLO_SERVER, 3, 0},
    {"a read always 429 (Retry-After: 0)", "get_phlo_run",
     "{\"phlo_id\":\"" PHLO_ID "\",\"run_id\":\"" RUN_429 "\"}",
     "/v1/phlo/" PHLO_ID "/runs/" RUN_429, PHLO_RATE_LIMITED, 3, 0},
    {"an action always reset before it is read", "mpc_member_hold",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" RESET_MEMBER
     "\"}",
     MPC_PATH "/members/" RESET_MEMBER, PHLO_CONNECTION, 1, 1},
    {"an action always 429 (Retry-After: 0)", "mpc_member_mute",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" LIMITED_MEMBER
     "\"}",
     MPC_PATH "/members/" LIMITED_MEMBER, PHLO_RATE_LIMITED, 3, 0},
    {"an action always 500", "mpc_member_unmute",
     "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"member_id\":\"" FAILING_MEMBER
     "\"}",
     MPC_PATH "/members/" FAILING_MEMBER, PHLO_SERVER, 1, 0},
};
#define N_KINDS (sizeof KINDS / sizeof *KINDS)

/* The faults pinned for a whole phase (count: far more than the phase can use). */
static const char *const PINNED_FAULTS[] = {
    "{\"kind\":\"status\",\"status\":503,\"retry_after\":\"0\",\"method\":\"GET\","
    "\"path_prefix\":\"/v1/phlo/" PHLO_ID "/runs/" RUN_503 "\",\"count\":1000000}",
    "{\"kind\":\"rate_limit\",\"retry_after\":\"0\","
    "\"path_prefix\":\"/v1/phlo/" PHLO_ID "/runs/" RUN_429 "\",\"count\":1000000}",
    "{\"kind\":\"reset_before\",\"path_prefix\":\"" MPC_PATH "/members/" RESET_MEMBER
    "\",\"count\":1000000}",
    "{\"kind\":\"rate_limit\",\"retry_after\":\"0\",\"path_prefix\":\"" MPC_PATH
    "/members/" LIMITED_MEMBER "\",\"count\":1000000}",
    "{\"kind\":\"status\",\"status\":500,\"path_prefix\":\"" MPC_PATH "/members/" FAILING_MEMBER
    "\",\"count\":1000000}",
};
#define N_PINNED (sizeof PINNED_FAULTS / sizeof *PINNED_FAULTS)
#define PINNED_COUNT 1000000

/* One-shot faults queued at random during phase 2, on the healthy calls' paths. */
static const char *const ROAMING_FAULTS[] = {
    "{\"kind\":\"status\",\"status\":503,\"retry_after\":\"0\",\"method\":\"GET\","
    "\"path_prefix\":\"/v1/phlo/" PHLO_ID "\"}",
    "{\"kind\":\"status\",\"status\":502,\"retry_after\":\"0\",\"method\":\"GET\","
    "\"path_prefix\":\"" MPC_PATH "\"}",
    "{\"kind\":\"rate_limit\",\"retry_after\":\"0\",\"path_prefix\":\"" MPC_PATH "/members/" MEMBER
    "\"}",
    "{\"kind\":\"rate_limit\",\"retry_after\":\"0\",\"path_prefix\":\"" BRIDGE_PATH
    "/members/\"}",
    "{\"kind\":\"reset_before\",\"method\":\"GET\",\"path_prefix\":\"" BRIDGE_PATH "\"}",
};
#define N_ROAMING (sizeof ROAMING_FAULTS / sizeof *ROAMING_FAULTS)

/* ---- the workers ---- */

static phlo_client *g_client;
static int g_calls = 500;
static long g_calls_done; /* calls finished so far in the phase (atomic) */

typedef struct {
  int index, phase;
  pthread_barrier_t *barrier;
  long calls;
  long by_status[N_STATUS];       /* results, by status */
  long attempts_failed;           /* attempts reported by failures */
  long attempts_fault_failures;   /* ... by failures of kind server, rate_limited, connection */
  long per_kind_calls[N_KINDS];
  long per_kind_attempts[N_KINDS]; /* phase 1: successes count 1 */
  long wrong;                      /* phase 1: calls whose outcome was not the expected one */
  long bad_error;                  /* failures whose last error did not match their status */
  char first_wrong[512];
} worker;

/* Makes call number `i` of worker `w`; returns the status and fills *attempts (-1: success). */
static phlo_status make_call(const call_kind *k, long *attempts, char *why, size_t whylen) {
  char *out = NULL;
  uint16_t http = 0;
  phlo_status s;
  if (k->op == NULL)
    s = phlo_client_call(g_client, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", NULL, &http);
  else
    s = phlo_client_call(g_client, k->op, k->params, &out, &http);
  *attempts = -1;
  why[0] = '\0';
  if (s == PHLO_OK) {
    if (out == NULL || http < 200 || http > 299) snprintf(why, whylen, "success without a body");
    phlo_string_free(out);
    return s;
  }
  jv *e = last_error();
  const char *kind = jv_str(jv_get(e, "kind"));
  const char *sn = jv_str(jv_get(e, "status_name"));
  *attempts = jv_int(jv_get(e, "attempts"), -1);
  int is_c_level = s == PHLO_NULL_POINTER || s == PHLO_INVALID_UTF8;
  const char *want_kind = is_c_level ? "invalid_argument" : phlo_status_name(s);
  if (e == NULL || kind == NULL || strcmp(kind, want_kind) != 0 || sn == NULL ||
      strcmp(sn, phlo_status_name(s)) != 0 || *attempts < 0) {
    char *t = e ? jv_dump(e) : strdup("(none)");
    snprintf(why, whylen, "%s with last error %.300s", phlo_status_name(s), t);
    free(t);
  }
  jv_free(e);
  return s;
}

static void *work(void *arg) {
  worker *w = arg;
  pthread_barrier_wait(w->barrier);
  for (int i = 0; i < g_calls; i++) {
    size_t ki = (size_t)(i * 7 + w->index * 3) % N_KINDS; /* every kind, threads out of step */
    const call_kind *k = &KINDS[ki];
    long attempts;
    char why[400];
    phlo_status s = make_call(k, &attempts, why, sizeof why);
    __atomic_add_fetch(&g_calls_done, 1, __ATOMIC_RELAXED);
    w->calls++;
    w->by_status[s >= 0 && s < N_STATUS ? s : PHLO_PANIC]++;
    w->per_kind_calls[ki]++;
    if (why[0] != '\0') {
      w->bad_error++;
      if (w->first_wrong[0] == '\0')
        snprintf(w->first_wrong, sizeof w->first_wrong, "%s: %s", k->name, why);
    }
    if (s == PHLO_OK) {
      w->per_kind_attempts[ki] += 1;
    } else {
      w->attempts_failed += attempts;
      w->per_kind_attempts[ki] += attempts;
      if (s == PHLO_SERVER || s == PHLO_RATE_LIMITED || s == PHLO_CONNECTION ||
          s == PHLO_TIMEOUT)
        w->attempts_fault_failures += attempts;
    }
    if (w->phase == 1) {
      int want_attempts = k->want == PHLO_OK ? 1 : k->attempts;
      long got_attempts = s == PHLO_OK ? 1 : attempts;
      if (s != k->want || got_attempts != want_attempts) {
        w->wrong++;
        if (w->first_wrong[0] == '\0')
          snprintf(w->first_wrong, sizeof w->first_wrong, "%s: %s with %ld attempts, want %s/%d",
                   k->name, phlo_status_name(s), got_attempts, phlo_status_name(k->want),
                   want_attempts);
      }
    } else {
      /* phase 2: a healthy call may fail on the roaming faults, nothing else may differ */
      int ok = s == k->want ||
               (k->want == PHLO_OK &&
                (s == PHLO_SERVER || s == PHLO_RATE_LIMITED || s == PHLO_CONNECTION));
      if (!ok) {
        w->wrong++;
        if (w->first_wrong[0] == '\0')
          snprintf(w->first_wrong, sizeof w->first_wrong, "%s: %s, want %s", k->name,
                   phlo_status_name(s), phlo_status_name(k->want));
      }
    }
  }
  return NULL;
}

/* Sums of the simulator's fault queue: uses left of the pending faults. */
static long pending_fault_uses(void) {
  jv *f = sim_get_json("/_sim/faults");
  long left = 0;
  const jv *list = jv_get(f, "faults");
  for (size_t i = 0; i < jv_len(list); i++) left += (long)jv_int(jv_get(jv_at(list, i), "count"), 0);
  jv_free(f);
  return left;
}

static volatile int g_stop_roaming;
static long g_roaming_pushed;

/* Queues one roaming fault for every 8 calls the workers finish, whatever their speed (native,
 * ASan or valgrind), picked pseudo-randomly. */
static void *roam(void *arg) {
  (void)arg;
  unsigned seed = 12345;
  long next = 0;
  while (!g_stop_roaming) {
    if (__atomic_load_n(&g_calls_done, __ATOMIC_RELAXED) >= next) {
      seed = seed * 1103515245u + 12345u;
      if (sim_fault(ROAMING_FAULTS[(seed >> 16) % N_ROAMING])) g_roaming_pushed++;
      next += 8;
    } else {
      struct timespec ts = {0, 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  return NULL;
}

static void run_phase(int phase, int threads) {
  sim_reset();
  for (size_t i = 0; i < N_PINNED; i++)
    if (!sim_fault(PINNED_FAULTS[i])) printf("    the simulator refused %s\n", PINNED_FAULTS[i]);
  worker *ws = calloc((size_t)threads, sizeof *ws);
  pthread_t *ts = calloc((size_t)threads, sizeof *ts);
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
  g_stop_roaming = 0;
  g_roaming_pushed = 0;
  g_calls_done = 0;
  pthread_t roamer;
  for (int i = 0; i < threads; i++) {
    ws[i].index = i;
    ws[i].phase = phase;
    ws[i].barrier = &barrier;
    pthread_create(&ts[i], NULL, work, &ws[i]);
  }
  double t0 = now_s();
  pthread_barrier_wait(&barrier);
  if (phase == 2) pthread_create(&roamer, NULL, roam, NULL);
  for (int i = 0; i < threads; i++) pthread_join(ts[i], NULL);
  if (phase == 2) {
    g_stop_roaming = 1;
    pthread_join(roamer, NULL);
  }
  double elapsed = now_s() - t0;
  pthread_barrier_destroy(&barrier);

  /* totals */
  long calls = 0, by_status[N_STATUS] = {0}, attempts_failed = 0, attempts_fault_failures = 0;
  long wrong = 0, bad_error = 0, per_kind_calls[N_KINDS] = {0}, per_kind_attempts[N_KINDS] = {0};
  const char *first_wrong = NULL;
  for (int i = 0; i < threads; i++) {
    calls += ws[i].calls;
    for (int s = 0; s < N_STATUS; s++) by_status[s] += ws[i].by_status[s];
    attempts_failed += ws[i].attempts_failed;
    attempts_fault_failures += ws[i].attempts_fault_failures;
    wrong += ws[i].wrong;
    bad_error += ws[i].bad_error;
    for (size_t k = 0; k < N_KINDS; k++) {
      per_kind_calls[k] += ws[i].per_kind_calls[k];
      per_kind_attempts[k] += ws[i].per_kind_attempts[k];
    }
    if (first_wrong == NULL && ws[i].first_wrong[0] != '\0') first_wrong = ws[i].first_wrong;
  }
  long accounted = 0;
  printf("phase %d: %d threads x %d calls in %.1f s:", phase, threads, g_calls, elapsed);
  for (int s = 0; s < N_STATUS; s++) {
    accounted += by_status[s];
    if (by_status[s] > 0) printf(" %s %ld", phlo_status_name((phlo_status)s), by_status[s]);
  }
  printf("\n");
  if (first_wrong != NULL) printf("    first unexpected result: %s\n", first_wrong);

  char title[256];
  snprintf(title, sizeof title,
           "phase %d: %d threads x %d calls on one handle, every result accounted for "
           "(successes + each error kind = %ld calls)",
           phase, threads, g_calls, (long)threads * g_calls);
  CHECK(title, calls == (long)threads * g_calls && accounted == calls &&
                   by_status[PHLO_PANIC] == 0);
  snprintf(title, sizeof title, "phase %d: every failure's last error (on its own thread) has its "
                                "kind and status_name, and attempts",
           phase);
  CHECK(title, bad_error == 0);

  /* the simulator's side */
  jv *log = sim_get_json("/_sim/requests");
  long total = (long)jv_int(jv_get(log, "total"), -1);
  long resets = (long)jv_int(jv_get(log, "resets_before"), -1);
  const jv *requests = jv_get(log, "requests");
  long consumed = (long)N_PINNED * PINNED_COUNT + g_roaming_pushed - pending_fault_uses();

  if (phase == 1) {
    snprintf(title, sizeof title,
             "phase 1: every call gave its expected status and attempts (faults pinned to paths)");
    CHECK(title, wrong == 0);
    long client_attempts = by_status[PHLO_OK] + attempts_failed;
    printf("    client: %ld successes x 1 attempt + %ld attempts reported by failures = %ld; "
           "simulator: %ld logged + %ld reset = %ld\n",
           by_status[PHLO_OK], attempts_failed, client_attempts, total, resets, total + resets);
    CHECK("phase 1: the simulator's count equals the attempts the client reports",
          total + resets == client_attempts);
    /* path by path, when the log kept every request */
    int per_path_ok = 1;
    if ((long)jv_len(requests) == total) {
      for (size_t k = 0; k < N_KINDS; k++) {
        if (KINDS[k].path == NULL) continue;
        long logged = 0;
        for (size_t r = 0; r < jv_len(requests); r++) {
          const char *p = jv_str(jv_get(jv_at(requests, r), "path"));
          if (p != NULL && strcmp(p, KINDS[k].path) == 0) logged++;
        }
        /* hold and unhold (and mute/unmute) share a path: compare the sums */
        long client = 0;
        for (size_t j = 0; j < N_KINDS; j++)
          if (KINDS[j].path != NULL && strcmp(KINDS[j].path, KINDS[k].path) == 0)
            client += per_kind_attempts[j];
        long want = KINDS[k].reset ? 0 : client;
        if (logged != want) {
          printf("    %s: %ld requests logged at %s, the client reports %ld attempts\n",
                 KINDS[k].name, logged, KINDS[k].path, want);
          per_path_ok = 0;
        }
        if (KINDS[k].reset && resets != per_kind_attempts[k]) {
          printf("    %s: %ld resets at the simulator, the client reports %ld attempts\n",
                 KINDS[k].name, resets, per_kind_attempts[k]);
          per_path_ok = 0;
        }
      }
      CHECK("phase 1: path by path, the request log holds exactly the attempts the client "
            "reports (none lost, none duplicated)",
            per_path_ok);
    } else {
      printf("    (the log kept %zu of %ld requests: per-path check skipped)\n", jv_len(requests),
             total);
    }
  } else {
    long clean_ends = by_status[PHLO_OK] + by_status[PHLO_NOT_FOUND];
    printf("    simulator: %ld logged + %ld reset = %ld; faults consumed F = %ld (%ld roaming "
           "pushed); successes + 404s = %ld; F + those = %ld\n",
           total, resets, total + resets, consumed, g_roaming_pushed, clean_ends,
           consumed + clean_ends);
    snprintf(title, sizeof title,
             "phase 2: every call gave an allowed outcome (healthy calls: success, or a fault's "
             "kind)");
    CHECK(title, wrong == 0);
    CHECK("phase 2: every attempt the simulator saw was a fault's or ended a call "
          "(logged + resets = faults consumed + successes + 404s)",
          total + resets == consumed + clean_ends);
    /* what the client made: successes' attempts (unknown one by one) + failures' reported */
    long hidden = total + resets - (by_status[PHLO_OK] + attempts_failed);
    printf("    attempts: failures reported %ld (%ld of them on faults); successes took %ld "
           "attempts, %ld of them retries after a roaming fault\n",
           attempts_failed, attempts_fault_failures, by_status[PHLO_OK] + hidden, hidden);
    CHECK("phase 2: the attempts of calls that failed on faults are covered by the faults "
          "consumed, and retries hidden in successes are >= 0",
          attempts_fault_failures <= consumed && hidden >= 0);
  }
  jv_free(log);

  /* state: the members touched are still members, the calls still active */
  char *m = sim_member_state(MPC_NODE, MEMBER);
  char *b = sim_member_state(BRIDGE_NODE, BRIDGE_MEMBER);
  char *absent = sim_member_state(MPC_NODE, RESET_MEMBER);
  snprintf(title, sizeof title,
           "phase %d: the simulator's state is consistent (%s %s, %s %s; nothing applied for the "
           "reset member)",
           phase, MEMBER, m ? m : "absent", BRIDGE_MEMBER, b ? b : "absent");
  CHECK(title, m && (strcmp(m, "connected") == 0 || strcmp(m, "on_hold") == 0) && b &&
                   (strcmp(b, "connected") == 0 || strcmp(b, "muted") == 0) && absent == NULL);
  free(m);
  free(b);
  free(absent);
  free(ws);
  free(ts);
}

/* ---- the long loop ---- */

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f != NULL) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void long_loop(long n, int check_rss) {
  sim_reset();
  long ok = 0, not_found = 0, invalid = 0, other = 0;
  long mark = n / 10;
  long rss_mark = 0, rss_start = rss_kib();
  double t0 = now_s();
  for (long i = 1; i <= n; i++) {
    char *out = NULL;
    phlo_status s;
    switch (i % 10) {
      case 3: s = phlo_client_get_phlo(g_client, UNKNOWN_PHLO, &out); break;
      case 7: s = phlo_client_call(g_client, "get_phlo", "{\"phlo_id\":\"../x\"}", &out, NULL); break;
      case 5:
        s = phlo_client_call(g_client, "get_multi_party_call",
                             "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\"}", &out,
                             NULL);
        break;
      default: s = phlo_client_get_phlo(g_client, PHLO_ID, &out); break;
    }
    if (s == PHLO_OK) {
      ok++;
      phlo_string_free(out);
    } else if (s == PHLO_NOT_FOUND) {
      not_found++;
    } else if (s == PHLO_INVALID_ARGUMENT) {
      invalid++;
    } else {
      other++;
    }
    if (s != PHLO_OK) {
      char *e = phlo_last_error_json(); /* read (and freed) like a real caller would */
      phlo_string_free(e);
    }
    if (i == mark) rss_mark = rss_kib();
    if (i % (n / 10 > 0 ? n / 10 : 1) == 0)
      printf("    %ld calls, %.1f s, RSS %ld KiB\n", i, now_s() - t0, rss_kib());
  }
  long rss_end = rss_kib();
  double elapsed = now_s() - t0;
  printf("long loop: %ld calls in %.1f s (%.0f calls/s): %ld ok, %ld not found, %ld invalid, %ld "
         "other; RSS %ld KiB at start, %ld KiB after %ld calls, %ld KiB after %ld (growth %ld KiB)\n",
         n, elapsed, (double)n / elapsed, ok, not_found, invalid, other, rss_start, rss_mark, mark,
         rss_end, n, rss_end - rss_mark);
  char title[256];
  snprintf(title, sizeof title, "long loop: %ld calls on one handle, every one as expected", n);
  CHECK(title, other == 0 && ok + not_found + invalid == n && not_found == n / 10 &&
                   invalid == n / 10);
  long total = sim_request_total();
  snprintf(title, sizeof title, "long loop: the simulator saw %ld requests (every valid call, once)",
           total);
  CHECK(title, total == ok + not_found);
  if (check_rss) {
    snprintf(title, sizeof title,
             "long loop: RSS flat after warm-up (grew %ld KiB between call %ld and call %ld; "
             "limit 2048 KiB)",
             rss_end - rss_mark, mark, n);
    CHECK(title, rss_end - rss_mark < 2048);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  g_calls = argc > 2 ? atoi(argv[2]) : 500;
  long loop = argc > 3 ? atol(argv[3]) : 100000;
  int check_rss = argc > 4 ? atoi(argv[4]) : 1;
  /* default retries (3 attempts); a bound on every attempt so nothing can hang */
  g_client = sim_client("\"timeout\":10");
  run_phase(1, threads);
  run_phase(2, threads);
  if (loop > 0) long_loop(loop, check_rss);
  phlo_client_free(g_client);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && g_passed > 0 ? 0 : 1;
}
