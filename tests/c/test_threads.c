/* Eight threads share one handle: every call succeeds, and each thread's last error is its own. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define THREADS 8
#define CALLS 10

struct worker {
  phlo_client *client;
  pthread_barrier_t *barrier;
  int index;
  int ok_calls;
  int own_error; /* 1 when the thread saw exactly its own last error */
};

static void *work(void *arg) {
  struct worker *w = arg;
  for (int i = 0; i < CALLS; i++) {
    char *out = NULL;
    phlo_status s = (i % 2 == 0)
                        ? phlo_client_get_phlo(w->client, PHLO_ID, &out)
                        : phlo_client_call(w->client, "get_multi_party_call",
                                           "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\"}",
                                           &out, NULL);
    if (s == PHLO_OK && out != NULL && strstr(out, PHLO_ID) != NULL) w->ok_calls++;
    phlo_string_free(out);
  }
  /* Every thread fails differently, all at about the same time, then reads its last error. */
  char *out = NULL;
  char field[32];
  phlo_status want;
  if (w->index % 2 == 0) {
    want = PHLO_NOT_FOUND;
    phlo_client_get_phlo(w->client, UNKNOWN_PHLO, &out);
    snprintf(field, sizeof field, "\"status\":404");
  } else {
    want = PHLO_NULL_POINTER;
    phlo_client_get_phlo(w->client, PHLO_ID, NULL);
    snprintf(field, sizeof field, "\"field\":\"out_json\"");
  }
  pthread_barrier_wait(w->barrier);
  char *e = phlo_last_error_json();
  w->own_error = e != NULL && strstr(e, field) != NULL &&
                 strstr(e, phlo_status_name(want)) != NULL;
  phlo_string_free(e);
  return NULL;
}

void test_threads(void) {
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0");
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, THREADS);
  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (struct worker){c, &barrier, i, 0, 0};
    pthread_create(&threads[i], NULL, work, &workers[i]);
  }
  int ok_calls = 0, own_errors = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    ok_calls += workers[i].ok_calls;
    own_errors += workers[i].own_error;
  }
  pthread_barrier_destroy(&barrier);
  CHECK("8 threads x 10 calls on one handle all succeed", ok_calls == THREADS * CALLS);
  CHECK("each thread reads its own last error, never another's", own_errors == THREADS);
  CHECK("the simulator saw every request (80 reads + 4 not-found)",
        sim_request_total() == THREADS * CALLS + THREADS / 2);
  CHECK("the main thread's last error is not touched by the workers",
        phlo_last_error_json() == NULL);
  phlo_client_free(c);
}
