/* Secrets, the C side: a client with a recognisable token makes successes,
 * retries and failures of every kind (several from a server that echoes the token back, in a
 * JSON error, an HTML page, a non-JSON 2xx body, a 401 body, a redirect's Location), and:
 *   - neither the token nor its base64 form ("auth_id:token", as in the Authorization header)
 *     appears in any last error (phlo_last_error_json: message, body, everything), including
 *     those of phlo_client_new;
 *   - echoed credentials are scrubbed ("***"), not dropped with the rest of the message;
 *   - in the simulator's request log the secrets appear only in the `authorization` header, as
 *     "Basic <base64>", and never in a path, query, body or other header.
 * tests/suites/c.sh starts the simulator with the canary account below, runs this program with
 * RUST_LOG=trace and also checks that its whole output (stdout and stderr, where a library log
 * line would go) never shows the secrets. This program never prints them itself. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

/* Also in tests/suites/c.sh, which gives the simulator this account. */
#define CANARY_ID "MACANARY7F3A9B000000"
#define CANARY_TOKEN "TOKEN-c-canary-7f3a9b"

static char g_basic[128];       /* base64("auth_id:token") */
static int g_errors_seen;        /* last errors examined */
static int g_errors_leaking;     /* ... that held a secret */
static int g_scrubbed_echoes;    /* ... that held "***" where the server echoed a secret */

static void base64(const char *in, char *out) {
  static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = strlen(in), o = 0;
  for (size_t i = 0; i < n; i += 3) {
    unsigned b0 = (unsigned char)in[i], b1 = i + 1 < n ? (unsigned char)in[i + 1] : 0,
             b2 = i + 2 < n ? (unsigned char)in[i + 2] : 0;
    unsigned v = (b0 << 16) | (b1 << 8) | b2;
    out[o++] = T[(v >> 18) & 63];
    out[o++] = T[(v >> 12) & 63];
    out[o++] = i + 1 < n ? T[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? T[v & 63] : '=';
  }
  out[o] = '\0';
}

static int holds_secret(const char *s) {
  return contains(s, CANARY_TOKEN) || contains(s, g_basic);
}

/* Examines this thread's last error after a call that returned `s`; `what` names the case. The
 * call must have failed (want_fail) or succeeded. */
static void examine(const char *what, phlo_status s, int want_fail) {
  char *e = phlo_last_error_json();
  char title[256];
  if (want_fail) {
    g_errors_seen++;
    int leak = holds_secret(e);
    g_errors_leaking += leak;
    if (contains(e, "***")) g_scrubbed_echoes++;
    jv *v = e ? jv_parse(e, NULL, 0) : NULL;
    const char *kind = jv_str(jv_get(v, "kind"));
    snprintf(title, sizeof title, "%s: fails (%s) and its last error holds no secret", what,
             kind ? kind : phlo_status_name(s));
    if (!CHECK(title, s != PHLO_OK && e != NULL && v != NULL && !leak))
      printf("    status %s; the last error %s\n", phlo_status_name(s),
             leak ? "holds a secret (not printed)" : e ? e : "is missing");
    jv_free(v);
  } else {
    snprintf(title, sizeof title, "%s: succeeds", what);
    if (!CHECK(title, s == PHLO_OK && e == NULL) && e != NULL && !holds_secret(e))
      printf("    %s: %s\n", phlo_status_name(s), e);
  }
  phlo_string_free(e);
}

static phlo_client *canary_client(const char *base_url, const char *token) {
  char options[512];
  snprintf(options, sizeof options, "{\"base_url\":\"%s\",\"timeout\":0.5}", base_url);
  phlo_client *c = NULL;
  phlo_status s = phlo_client_new(CANARY_ID, token, options, &c);
  if (s != PHLO_OK) {
    printf("    phlo_client_new: %s\n", phlo_status_name(s));
    exit(2);
  }
  return c;
}

static phlo_status cold_transfer(phlo_client *c) {
  char *out = NULL;
  phlo_status s = phlo_client_mpc_cold_transfer(c, PHLO_ID, MPC_NODE, "+14152223333",
                                                "+14152225555", NULL, &out);
  phlo_string_free(out);
  return s;
}

static phlo_status get_phlo(phlo_client *c) {
  char *out = NULL;
  phlo_status s = phlo_client_get_phlo(c, PHLO_ID, &out);
  phlo_string_free(out);
  return s;
}

/* Queues a fault built from a printf format (which may hold the echo). */
static void fault(const char *fmt, const char *echo) {
  char buf[2048];
  snprintf(buf, sizeof buf, fmt, echo);
  if (!sim_fault(buf)) printf("    the simulator refused a fault\n");
}

static void clear_faults(void) {
  int status;
  free(sim_http("DELETE", "/_sim/faults", NULL, &status));
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  base64(CANARY_ID ":" CANARY_TOKEN, g_basic);
  sim_reset();
  phlo_client *c = canary_client(sim_base_url(), CANARY_TOKEN);
  char *out = NULL;

  /* successes, with retries on the way */
  examine("get_phlo", get_phlo(c), 0);
  sim_fault("{\"kind\":\"status\",\"status\":503}");
  phlo_status s = phlo_client_call(c, "get_multi_party_call",
                                   "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\"}",
                                   &out, NULL);
  phlo_string_free(out);
  examine("get_multi_party_call after a 503 (retried)", s, 0);
  sim_fault("{\"kind\":\"rate_limit\",\"retry_after\":null}");
  s = phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE, "+14153336666", "hold",
                                &out);
  phlo_string_free(out);
  examine("member hold after a 429 (retried)", s, 0);
  s = phlo_client_run_phlo(c, PHLO_ID, "{\"note\":\"no secret here\"}", &out);
  phlo_string_free(out);
  examine("run_phlo", s, 0);

  /* failures of every kind, many with the server echoing the secrets back */
  char echo[256];
  snprintf(echo, sizeof echo, "token %s / basic %s", CANARY_TOKEN, g_basic);
  int refused = closed_port();
  char redirect[512];
  snprintf(redirect, sizeof redirect,
           "{\"kind\":\"redirect\",\"location\":\"http://127.0.0.1:%d/v1/phlo/" PHLO_ID
           "?t=%%s\"}",
           refused);
  struct {
    const char *name, *fmt, *arg;
  } faults[] = {
      {"400 echoing the token in its error", "{\"kind\":\"status\",\"status\":400,\"error\":\"%s\"}",
       echo},
      {"404 echoing the token", "{\"kind\":\"status\",\"status\":404,\"error\":\"%s\"}", echo},
      {"403 echoing the token", "{\"kind\":\"status\",\"status\":403,\"error\":\"%s\"}", echo},
      {"429 echoing the token, every time",
       "{\"kind\":\"status\",\"status\":429,\"retry_after\":\"0\",\"error\":\"%s\",\"count\":3}",
       echo},
      {"500 with an HTML page", "{\"kind\":\"status\",\"status\":500,\"body\":\"html\"}", ""},
      {"503 echoing the token, every time",
       "{\"kind\":\"status\",\"status\":503,\"retry_after\":\"0\",\"error\":\"%s\",\"count\":3}",
       echo},
      {"a 401 whose body echoes the token",
       "{\"kind\":\"raw_body\",\"status\":401,\"body\":\"{\\\"error\\\":\\\"%s\\\"}\"}", echo},
      {"a 2xx body that is not JSON and echoes the token",
       "{\"kind\":\"raw_body\",\"body\":\"not json %s\"}", echo},
      {"a 2xx body of the wrong types echoing the token",
       "{\"kind\":\"raw_body\",\"body\":\"{\\\"api_id\\\":5,\\\"e\\\":\\\"%s\\\"}\"}", echo},
      {"a 2xx JSON array echoing the token", "{\"kind\":\"raw_body\",\"body\":\"[\\\"%s\\\"]\"}",
       echo},
      {"a 2xx HTML body echoing the token",
       "{\"kind\":\"raw_body\",\"content_type\":\"text/html\",\"body\":\"<p>%s</p>\"}", echo},
      {"reset after the service acted", "{\"kind\":\"reset_after\"}", ""},
      {"reset before the request is read", "{\"kind\":\"reset_before\",\"count\":3}", ""},
      {"a body cut short", "{\"kind\":\"short_body\"}", ""},
      {"slower than the timeout", "{\"kind\":\"latency\",\"ms\":1200}", ""},
      {"a redirect whose Location holds the token", redirect, CANARY_TOKEN},
      {"a 2xx body over the size cap", "{\"kind\":\"huge_body\",\"bytes\":2097152}", ""},
  };
  for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
    char what[256];
    /* (the transfer may have been applied by an earlier case: it then fails at the service
     * without a fault, still a failure to examine) */
    fault(faults[i].fmt, faults[i].arg);
    snprintf(what, sizeof what, "cold transfer, %s", faults[i].name);
    examine(what, cold_transfer(c), 1);
    clear_faults();
    fault(faults[i].fmt, faults[i].arg);
    fault("{\"kind\":\"status\",\"status\":503,\"retry_after\":\"0\",\"error\":\"%s\",\"count\":3}",
          echo); /* a read retries: make the retries fail too */
    snprintf(what, sizeof what, "get_phlo, %s", faults[i].name);
    examine(what, get_phlo(c), 1);
    clear_faults();
  }
  /* errors made before the network */
  s = phlo_client_get_phlo(c, "bad/id", &out);
  examine("an invalid id", s, 1);
  s = phlo_client_call(c, "teleport", NULL, &out, NULL);
  examine("an unknown operation", s, 1);
  s = phlo_client_get_phlo(c, PHLO_ID, NULL);
  examine("a NULL out_json", s, 1);
  /* connection refused */
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", refused);
  phlo_client *r = canary_client(url, CANARY_TOKEN);
  examine("connection refused", get_phlo(r), 1);
  phlo_client_free(r);
  /* a wrong token: a real 401 */
  phlo_client *w = canary_client(sim_base_url(), CANARY_TOKEN "-but-wrong");
  examine("a wrong token (401)", get_phlo(w), 1);
  examine("a wrong token (401), an action", cold_transfer(w), 1);
  phlo_client_free(w);
  /* phlo_client_new's own failures, with the token given */
  static const char *const bad_options[] = {
      "{\"bogus\":1}", "{\"timeout\":\"x\"}", "{\"base_url\":\"ftp://x\"}", "{not json",
      "{\"user_agent_suffix\":\"a\\nb\"}"};
  for (size_t i = 0; i < sizeof bad_options / sizeof *bad_options; i++) {
    phlo_client *h = NULL;
    s = phlo_client_new(CANARY_ID, CANARY_TOKEN, bad_options[i], &h);
    examine("phlo_client_new with a bad option", s, 1);
  }
  {
    phlo_client *h = NULL;
    s = phlo_client_new("MAbad", CANARY_TOKEN, NULL, &h);
    examine("phlo_client_new with a malformed auth id", s, 1);
    s = phlo_client_new(CANARY_ID, CANARY_TOKEN "\n", NULL, &h);
    examine("phlo_client_new with a control character after the token", s, 1);
    s = phlo_client_new(CANARY_ID, CANARY_TOKEN "\xff", NULL, &h);
    examine("phlo_client_new with the token followed by invalid UTF-8", s, 1);
  }
  /* let the slow request finish (and be logged) */
  struct timespec ts = {1, 0};
  nanosleep(&ts, NULL);

  printf("secrets: %d last errors examined, %d with a scrubbed echo\n", g_errors_seen,
         g_scrubbed_echoes);
  CHECK("no last error holds the token or its base64 form", g_errors_leaking == 0);
  CHECK("echoed secrets were scrubbed (\"***\"), not dropped", g_scrubbed_echoes >= 5);

  /* on the wire: every request of the run (the log was reset at the start only) */
  jv *log = sim_get_json("/_sim/requests");
  const jv *reqs = jv_get(log, "requests");
  /* (the wrong token's header also "holds" the canary's base64: base64 of "id:token" has no
   * padding here, so it is a prefix of base64 of "id:token-but-wrong") */
  int in_header = 0, elsewhere = 0, basic_ok = 0, wrong_auth = 0;
  char want_auth[160];
  snprintf(want_auth, sizeof want_auth, "Basic %s", g_basic);
  for (size_t i = 0; i < jv_len(reqs); i++) {
    const jv *r = jv_at(reqs, i);
    const jv *headers = jv_get(r, "headers");
    for (size_t h = 0; h < jv_len(headers); h++) {
      const char *name = headers->keys[h];
      const char *value = jv_str(jv_at(headers, h));
      if (strcmp(name, "authorization") == 0) {
        if (value && strcmp(value, want_auth) == 0) basic_ok++;
        else wrong_auth++;
        if (holds_secret(value)) in_header++;
        continue;
      }
      if (holds_secret(name) || holds_secret(value)) elsewhere++;
    }
    static const char *const parts[] = {"path", "query", "body"};
    for (size_t p = 0; p < 3; p++)
      if (holds_secret(jv_str(jv_get(r, parts[p])))) elsewhere++;
  }
  printf("wire: %zu requests, %d with the canary's Authorization, %d with "
         "another (the wrong token's)\n",
         jv_len(reqs), basic_ok, wrong_auth);
  CHECK("the secrets appear in no path, query, body or header but Authorization", elsewhere == 0);
  CHECK("every request carried Authorization: Basic base64(auth_id:token), the wrong token's "
        "excepted",
        jv_len(reqs) >= 3 && basic_ok + wrong_auth == (int)jv_len(reqs) && wrong_auth == 2 &&
            in_header >= basic_ok);
  jv_free(log);
  phlo_client_free(c);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && g_passed > 0 ? 0 : 1;
}
