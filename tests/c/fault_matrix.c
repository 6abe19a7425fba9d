/* The shared fault matrix (tests/fault_matrix.json) through libphlo's generic entry
 * point, phlo_client_call: the C runner of the table that crates/phlo/tests/shared_fault_table.rs
 * runs for Rust, following the table's "how" steps to the letter.
 *
 * For every case: reset the simulator, queue the case's faults, build a client (the simulator's
 * credentials, or the wrong token; the simulator's URL, or a loopback port with no listener;
 * timeout (seconds) when given; max_retries left at its default), call the operation, sleep settle_ms,
 * then check the status and the last error (kind, status_name, HTTP status, attempts, message,
 * field, api_id, retry_after_ms), that failures left the out-params untouched, the number of
 * requests the simulator saw, and whether the action was applied. One CHECK per case.
 *
 * Usage: fault_matrix [PATH]   (default tests/fault_matrix.json; run from the repository root
 * by tests/suites/c.sh, which starts the simulator and sets PLIVO_PHLO_BASE_URL). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

#define WRONG_TOKEN "wrong-token-0f1e2d3c"
#define NEW_AGENT "+14152225555"

static void sleep_ms(long long ms) {
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* Appends "what: got X, want Y; " to `problems` when `ok` is false. */
static void expect(sbuf *problems, int ok, const char *what, const char *got, const char *want) {
  if (!ok) sb_printf(problems, "%s: got %s, want %s; ", what, got, want);
}

/* The JSON text of a value of the last error (or "absent"), for messages. */
static char *shown(const jv *v) { return v ? jv_dump(v) : strdup("absent"); }

/* Compares the last error's `key` with the expected JSON value (same type and value). */
static void expect_same(sbuf *problems, const jv *err, const char *key, const jv *want) {
  char *got = shown(jv_get(err, key));
  char *w = jv_dump(want);
  expect(problems, strcmp(got, w) == 0, key, got, w);
  free(got);
  free(w);
}

static void run_case(const jv *table, const jv *c, int index) {
  const char *name = jv_str(jv_get(c, "name"));
  const char *side = jv_str(jv_get(c, "side"));
  const jv *want = jv_get(c, "expect");
  const char *phlo_id = jv_str(jv_get(table, "phlo_id"));
  const char *node_id = jv_str(jv_get(table, "node_id"));
  sbuf problems = {0};

  /* 1. reset and queue the faults */
  sim_reset();
  const jv *faults = jv_get(c, "faults");
  for (size_t i = 0; i < jv_len(faults); i++) {
    char *f = jv_dump(jv_at(faults, i));
    if (!sim_fault(f)) sb_printf(&problems, "the simulator refused fault %s; ", f);
    free(f);
  }

  /* 2. the client */
  sbuf options = {0};
  const char *target = jv_str(jv_get(c, "target"));
  if (target != NULL && strcmp(target, "refused") == 0)
    sb_printf(&options, "{\"base_url\":\"http://127.0.0.1:%d\"", closed_port());
  else
    sb_printf(&options, "{\"base_url\":\"%s\"", sim_base_url());
  const jv *timeout = jv_get(c, "timeout");
  if (timeout != NULL && timeout->type == JV_NUM) sb_printf(&options, ",\"timeout\":%g", timeout->num);
  sb_add(&options, "}");
  const char *token = jv_bool(jv_get(c, "wrong_token"), 0) ? WRONG_TOKEN : AUTH_TOKEN;
  phlo_client *client = NULL;
  phlo_status s = phlo_client_new(AUTH_ID, token, options.s, &client);
  if (s != PHLO_OK) sb_printf(&problems, "phlo_client_new: %s; ", phlo_status_name(s));
  free(options.s);

  /* 3. the call */
  const char *op = jv_str(jv_get(c, "op"));
  char *params;
  if (op != NULL) {
    params = jv_dump(jv_get(c, "params"));
  } else if (strcmp(side, "read") == 0) {
    op = "get_phlo";
    sbuf p = {0};
    sb_printf(&p, "{\"phlo_id\":\"%s\"}", phlo_id);
    params = sb_take(&p);
  } else {
    op = "mpc_cold_transfer";
    sbuf p = {0};
    sb_printf(&p,
              "{\"phlo_id\":\"%s\",\"node_id\":\"%s\",\"trigger_source\":\"+14152223333\","
              "\"to\":\"" NEW_AGENT "\"}",
              phlo_id, node_id);
    params = sb_take(&p);
  }
  char *const sentinel = (char *)"untouched";
  char *out = sentinel;
  uint16_t http = 7;
  if (client != NULL) s = phlo_client_call(client, op, params, &out, &http);
  jv *err = last_error();
  free(params);

  /* 4. settle */
  long long settle = jv_int(jv_get(c, "settle_ms"), 0);
  if (settle > 0) sleep_ms(settle);

  /* 5. the outcome */
  if (jv_bool(jv_get(want, "ok"), 0)) {
    char got[64];
    snprintf(got, sizeof got, "%s, HTTP %u", phlo_status_name(s), (unsigned)http);
    expect(&problems, s == PHLO_OK && http >= 200 && http < 300 && out != sentinel && out != NULL,
           "outcome", got, "ok, 2xx");
    expect(&problems, err == NULL, "last error after a success", "set", "NULL");
    long long want_status = jv_int(jv_get(want, "status"), -1);
    if (want_status >= 0) {
      char g[32], w[32];
      snprintf(g, sizeof g, "%u", (unsigned)http);
      snprintf(w, sizeof w, "%lld", want_status);
      expect(&problems, http == want_status, "HTTP status", g, w);
    }
    if (s == PHLO_OK) {
      const char *want_body = jv_str(jv_get(want, "body"));
      if (want_body != NULL) {
        /* A 2xx with no body is handed out as "": check for it before decoding. */
        expect(&problems, strcmp(out, want_body) == 0, "body", out, want_body);
      } else {
        jv *body = jv_parse(out, NULL, 0);
        expect(&problems, body != NULL && body->type == JV_OBJ, "body", "not a JSON object",
               "a JSON object");
        jv_free(body);
      }
      phlo_string_free(out);
    }
  } else {
    const char *kind = jv_str(jv_get(want, "kind"));
    expect(&problems, s != PHLO_OK && strcmp(phlo_status_name(s), kind) == 0, "status",
           phlo_status_name(s), kind);
    if (s == PHLO_OK) phlo_string_free(out);
    expect(&problems, out == sentinel && http == 7, "out-params", "written", "untouched");
    if (err == NULL) {
      sb_add(&problems, "no last error; ");
    } else {
      const char *got_kind = jv_str(jv_get(err, "kind"));
      expect(&problems, got_kind && strcmp(got_kind, kind) == 0, "kind",
             got_kind ? got_kind : "absent", kind);
      const char *sn = jv_str(jv_get(err, "status_name"));
      expect(&problems, sn && strcmp(sn, phlo_status_name(s)) == 0, "status_name",
             sn ? sn : "absent", phlo_status_name(s));
      expect_same(&problems, err, "status", jv_get(want, "status"));
      expect_same(&problems, err, "attempts", jv_get(want, "attempts"));
      static const char *const optional[] = {"message", "field", "api_id"};
      for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
        if (jv_get(want, optional[i]) != NULL)
          expect_same(&problems, err, optional[i], jv_get(want, optional[i]));
      long long min = jv_int(jv_get(want, "retry_after_ms_min"), -1);
      if (min >= 0) {
        long long got = jv_int(jv_get(err, "retry_after_ms"), -1);
        char g[32], w[32];
        snprintf(g, sizeof g, "%lld", got);
        snprintf(w, sizeof w, ">= %lld", min);
        expect(&problems, got >= min, "retry_after_ms", g, w);
      }
    }
  }

  /* 6. requests that reached the service */
  long long sent = jv_int(jv_get(want, "sent"), -1);
  int total = sim_request_total();
  {
    char g[32], w[32];
    snprintf(g, sizeof g, "%d", total);
    snprintf(w, sizeof w, "%lld", sent);
    expect(&problems, total == sent, "sent", g, w);
  }

  /* 7. applied or not */
  const jv *applied = jv_get(want, "applied");
  if (applied != NULL) {
    char *state = sim_member_state(node_id, NEW_AGENT);
    int connected = state != NULL && strcmp(state, "connected") == 0;
    expect(&problems, connected == jv_bool(applied, -1), "applied",
           state ? state : "(not a member)", jv_bool(applied, 0) ? "connected" : "not connected");
    free(state);
  }

  char title[256];
  snprintf(title, sizeof title, "matrix case %d: %s (%s)", index + 1, name, side);
  if (problems.len > 0) {
    char *e = err ? jv_dump(err) : strdup("(none)");
    printf("    %s\n    last error: %s\n", problems.s, e);
    free(e);
  }
  CHECK(title, problems.len == 0);
  free(problems.s);
  jv_free(err);
  phlo_client_free(client);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *path = argc > 1 ? argv[1] : "tests/fault_matrix.json";
  char *text = read_file(path);
  char why[160];
  jv *table = jv_parse(text, why, sizeof why);
  free(text);
  const jv *cases = jv_get(table, "cases");
  if (!CHECK("tests/fault_matrix.json is read and parsed", table != NULL && jv_len(cases) > 0)) {
    printf("    %s: %s\n", path, table ? "no cases" : why);
  } else {
    CHECK("the table covers the whole list (50 cases or more)", jv_len(cases) >= 50);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < jv_len(cases); i++) run_case(table, jv_at(cases, i), (int)i);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("fault matrix: %zu cases in %.1f s\n", jv_len(cases),
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  jv_free(table);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && g_passed > 0 ? 0 : 1;
}
