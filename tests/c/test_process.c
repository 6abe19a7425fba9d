/* The library inside a C process: fork with a handle made (and used) before it, a signal that
 * arrives during a call, and the timeout bounding a whole answer that trickles in. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The connection number of each request in the simulator's log, oldest first (at most `max`);
 * returns how many there were. */
static size_t connections(long long *out, size_t max) {
  jv *log = sim_get_json("/_sim/requests");
  const jv *reqs = jv_get(log, "requests");
  size_t n = jv_len(reqs);
  for (size_t i = 0; i < n && i < max; i++) out[i] = jv_int(jv_get(jv_at(reqs, i), "connection"), -1);
  jv_free(log);
  return n;
}

static void fork_with_a_used_handle(void) {
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0");
  char *out = NULL;
  CHECK("fork: the parent's call before fork succeeds", phlo_client_get_phlo(c, PHLO_ID, &out) == PHLO_OK);
  phlo_string_free(out);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    /* The child: the parent's handle works here (new connections), and freeing it is silent. */
    char *o = NULL;
    int ok = phlo_client_get_phlo(c, PHLO_ID, &o) == PHLO_OK && contains(o, PHLO_ID);
    phlo_string_free(o);
    o = NULL;
    ok = ok && phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE, "+14153336666",
                                         "hold", &o) == PHLO_OK;
    phlo_string_free(o);
    phlo_client_free(c);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK("fork: the child's calls on the parent's handle succeed, and it frees the handle silently",
        WIFEXITED(status) && WEXITSTATUS(status) == 0);
  out = NULL;
  CHECK("fork: the parent's handle still works after the child", phlo_client_get_phlo(c, PHLO_ID, &out) == PHLO_OK);
  phlo_string_free(out);
  long long conn[8];
  size_t n = connections(conn, 8);
  CHECK("fork: four requests, the child's on a connection of its own, the parent's reused",
        n == 4 && conn[0] == conn[3] && conn[1] != conn[0] && conn[2] != conn[0]);
  char *state = sim_member_state(MPC_NODE, "+14153336666");
  CHECK("fork: the child's action arrived", state != NULL && strcmp(state, "on_hold") == 0);
  free(state);
  phlo_client_free(c);
}

static volatile sig_atomic_t g_alarms;
static void on_alarm(int sig) {
  (void)sig;
  g_alarms++;
}

/* A signal handler runs while the call waits; the call then goes on to its answer (the library
 * retries the interrupted wait), so a C program's timers do not break calls. */
static void a_signal_during_a_call(void) {
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: the wait is interrupted with EINTR */
  sigemptyset(&sa.sa_mask);
  struct sigaction old;
  sigaction(SIGALRM, &sa, &old);
  sim_fault("{\"kind\":\"latency\",\"ms\":600}");
  struct itimerval t = {{0, 100000}, {0, 100000}}; /* every 100 ms */
  g_alarms = 0;
  setitimer(ITIMER_REAL, &t, NULL);
  char *out = NULL;
  phlo_status s = phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE, "+14153336666",
                                            "hold", &out);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  sigaction(SIGALRM, &old, NULL);
  CHECK("signals: the handler ran during the call (SIGALRM every 100 ms for 600 ms)", g_alarms >= 3);
  CHECK("signals: the call went on to its answer", s == PHLO_OK && contains(out, "api_id"));
  CHECK("signals: the action was sent once", sim_request_total() == 1);
  phlo_string_free(out);
  phlo_client_free(c);
}

static void the_timeout_bounds_a_trickled_answer(void) {
  static const char *const faults[] = {
      "{\"kind\":\"latency\",\"ms\":3000}",
      "{\"kind\":\"slow_body\",\"interval_ms\":150}",
      "{\"kind\":\"slow_body\",\"interval_ms\":150,\"chunked\":false}",
      "{\"kind\":\"slow_body\",\"delay_ms\":700,\"interval_ms\":150,\"chunked\":false}",
  };
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0,\"timeout\":1");
  int bounded = 0, timeouts = 0;
  double worst = 0;
  for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
    for (int action = 0; action < 2; action++) {
      sim_fault(faults[i]);
      char *out = NULL;
      double t0 = now();
      phlo_status s = action ? phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE,
                                                         "+14153336666", "hold", &out)
                             : phlo_client_get_phlo(c, PHLO_ID, &out);
      double took = now() - t0;
      phlo_string_free(out);
      timeouts += s == PHLO_TIMEOUT;
      bounded += took >= 1.0 && took < 1.6;
      if (took > worst) worst = took;
    }
  }
  char title[160];
  snprintf(title, sizeof title,
           "timeout: late headers, chunked and sized bodies a byte at a time: 8 of 8 time out "
           "(%d) within 1 s + 0.6 s (%d; slowest %.2f s)",
           timeouts, bounded, worst);
  CHECK(title, timeouts == 8 && bounded == 8);
  phlo_client_free(c);
}

void test_process(void) {
  fork_with_a_used_handle();
  a_signal_during_a_call();
  the_timeout_bounds_a_trickled_answer();
}
