/* Every error kind, produced for real against the simulator (or a closed port). */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

static phlo_status get_phlo(phlo_client *c, const char *phlo_id, char **out) {
  return phlo_client_get_phlo(c, phlo_id, out);
}

void test_errors(void) {
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0");
  char *out = NULL;

  /* authentication: wrong token (401), and no credentials at all */
  {
    char options[512];
    snprintf(options, sizeof options, "{\"base_url\":\"%s\",\"max_retries\":0}", sim_base_url());
    phlo_client *bad = NULL;
    phlo_status s = phlo_client_new(AUTH_ID, "wrong-token", options, &bad);
    CHECK("a client with a wrong token is created (nothing is sent yet)", s == PHLO_OK && bad);
    s = get_phlo(bad, PHLO_ID, &out);
    CHECK_ERROR("a wrong token is PHLO_AUTHENTICATION with HTTP 401", s, PHLO_AUTHENTICATION,
                "\"kind\":\"authentication\"", "\"status\":401");
    char *e = phlo_last_error_json();
    CHECK("the last error never contains the token", e && !contains(e, "wrong-token"));
    phlo_string_free(e);
    phlo_client_free(bad);

    unsetenv("PLIVO_AUTH_ID");
    unsetenv("PLIVO_AUTH_TOKEN");
    bad = NULL;
    s = phlo_client_new(NULL, NULL, options, &bad);
    CHECK_ERROR("no credentials anywhere is PHLO_AUTHENTICATION", s, PHLO_AUTHENTICATION,
                "PLIVO_AUTH_ID", NULL);
    CHECK("no handle is written on failure", bad == NULL);

    setenv("PLIVO_AUTH_ID", AUTH_ID, 1);
    setenv("PLIVO_AUTH_TOKEN", AUTH_TOKEN, 1);
    s = phlo_client_new(NULL, NULL, options, &bad);
    phlo_status s2 = s == PHLO_OK ? get_phlo(bad, PHLO_ID, &out) : s;
    CHECK("NULL credentials are read from PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN",
          s == PHLO_OK && s2 == PHLO_OK && contains(out, PHLO_ID));
    phlo_string_free(out);
    out = NULL;
    phlo_client_free(bad);
    unsetenv("PLIVO_AUTH_ID");
    unsetenv("PLIVO_AUTH_TOKEN");
  }

  /* not_found */
  phlo_status s = get_phlo(c, UNKNOWN_PHLO, &out);
  CHECK_ERROR("an unknown PHLO is PHLO_NOT_FOUND with HTTP 404", s, PHLO_NOT_FOUND,
              "\"status\":404", "resource not found (404) at /v1/phlo/" UNKNOWN_PHLO);
  s = phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE, "+14150000000", "hold",
                                &out);
  CHECK_ERROR("a member not in the call is PHLO_NOT_FOUND", s, PHLO_NOT_FOUND, "\"status\":404",
              NULL);

  /* bad_request: a transfer whose trigger_source is not in the call */
  int before = sim_request_total();
  s = phlo_client_mpc_cold_transfer(c, PHLO_ID, MPC_NODE, "+14159999999", "+14152225555", NULL,
                                    &out);
  char *e = phlo_last_error_json();
  char *api_id = json_string(e, "api_id");
  CHECK_ERROR("a transfer from a party not in the call is PHLO_BAD_REQUEST with HTTP 400", s,
              PHLO_BAD_REQUEST, "\"status\":400",
              "\"message\":\"Invalid value provided for trigger_source.\"");
  CHECK("the bad request's api_id is in the last error and was sent once",
        api_id && strlen(api_id) == 36 && sim_request_total() == before + 1);
  free(api_id);
  phlo_string_free(e);
  {
    char *n = sim_node(MPC_NODE);
    CHECK("the call was not changed by the rejected transfer",
          contains(n, "\"+14152223333\":{\"role\":\"agent\",\"state\":\"connected\"}") &&
              !contains(n, "+14152225555"));
    free(n);
  }

  /* rate_limited: 429 with Retry-After */
  sim_fault("{\"kind\":\"rate_limit\",\"retry_after\":\"1\"}");
  s = get_phlo(c, PHLO_ID, &out);
  CHECK_ERROR("a 429 is PHLO_RATE_LIMITED with retry_after_ms", s, PHLO_RATE_LIMITED,
              "\"status\":429", "\"retry_after_ms\":1000");

  /* server: 503 */
  sim_fault("{\"kind\":\"status\",\"status\":503}");
  s = get_phlo(c, PHLO_ID, &out);
  CHECK_ERROR("a 503 is PHLO_SERVER", s, PHLO_SERVER, "\"status\":503", "\"attempts\":1");

  /* retries: a GET is retried after one 503 by a client with the default policy */
  {
    phlo_client *retrying = sim_client(NULL);
    sim_fault("{\"kind\":\"status\",\"status\":503,\"count\":1}");
    before = sim_request_total();
    s = get_phlo(retrying, PHLO_ID, &out);
    CHECK("a GET is retried after a 503 (two requests, then success)",
          s == PHLO_OK && sim_request_total() == before + 2 && contains(out, PHLO_ID));
    phlo_string_free(out);
    out = NULL;
    /* ... but a transfer is not retried on 5xx (not idempotent) */
    sim_fault("{\"kind\":\"status\",\"status\":503,\"count\":1}");
    before = sim_request_total();
    s = phlo_client_mpc_call(retrying, PHLO_ID, MPC_NODE, "+14152223333", "+14157771111",
                             "customer", &out);
    CHECK_ERROR("an action is not retried after a 503 (\"safe\" action retries)", s, PHLO_SERVER,
                "\"attempts\":1", NULL);
    CHECK("the action was sent once", sim_request_total() == before + 1);
    phlo_client_free(retrying);
  }

  /* timeout: latency fault longer than the timeout */
  {
    phlo_client *impatient = sim_client("\"max_retries\":0,\"timeout\":0.3");
    sim_fault("{\"kind\":\"latency\",\"ms\":1500}");
    s = get_phlo(impatient, PHLO_ID, &out);
    CHECK_ERROR("no answer within the timeout is PHLO_TIMEOUT", s, PHLO_TIMEOUT,
                "\"kind\":\"timeout\"", NULL);
    phlo_client_free(impatient);
  }

  /* connection: nothing listening */
  {
    char options[256];
    snprintf(options, sizeof options, "{\"base_url\":\"http://127.0.0.1:%d\",\"max_retries\":0}",
             closed_port());
    phlo_client *nowhere = NULL;
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, options, &nowhere);
    s = s == PHLO_OK ? get_phlo(nowhere, PHLO_ID, &out) : s;
    CHECK_ERROR("a closed port is PHLO_CONNECTION", s, PHLO_CONNECTION, "could not connect",
                "\"status\":null");
    phlo_client_free(nowhere);
  }
  sim_fault("{\"kind\":\"reset_before\"}");
  s = get_phlo(c, PHLO_ID, &out);
  CHECK_ERROR("a connection reset is PHLO_CONNECTION", s, PHLO_CONNECTION, NULL, NULL);

  /* decode: a 2xx that is not a JSON object; a body over max_response_bytes */
  sim_fault("{\"kind\":\"raw_body\",\"body\":\"not json\"}");
  s = get_phlo(c, PHLO_ID, &out);
  CHECK_ERROR("a 2xx body that is not JSON is PHLO_DECODE", s, PHLO_DECODE, "\"kind\":\"decode\"",
              "not json");
  sim_fault("{\"kind\":\"raw_body\",\"body\":\"[1,2]\"}");
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", &out, NULL);
  CHECK_ERROR("a 2xx body that is a JSON array is PHLO_DECODE", s, PHLO_DECODE, NULL, NULL);
  {
    phlo_client *small = sim_client("\"max_retries\":0,\"max_response_bytes\":1000");
    sim_fault("{\"kind\":\"huge_body\",\"bytes\":100000}");
    s = get_phlo(small, PHLO_ID, &out);
    CHECK_ERROR("a body over max_response_bytes is PHLO_DECODE", s, PHLO_DECODE, "1000-byte limit",
                NULL);
    phlo_client_free(small);
  }

  /* A 2xx with no body is a success handed out as "": never PHLO_DECODE, never retried (the
   * client below retries what it may: 3 attempts), and the action was carried out once. */
  {
    phlo_client *retrying = sim_client(NULL);
    sim_reset();
    sim_fault("{\"kind\":\"raw_body\",\"status\":200,\"body\":\"\"}");
    char *body = NULL;
    s = phlo_client_member_action(retrying, PHLO_ID, "multi_party_call", MPC_NODE, "+14153336666",
                                  "hold", &body);
    CHECK("a member action answered 200 with no body is PHLO_OK with the body \"\"",
          s == PHLO_OK && body != NULL && body[0] == '\0');
    if (s == PHLO_OK) phlo_string_free(body);
    char *e = phlo_last_error_json();
    CHECK("... and leaves no last error", e == NULL);
    phlo_string_free(e);
    char *state = sim_member_state(MPC_NODE, "+14153336666");
    CHECK("... the action was carried out, once", sim_request_total() == 1 && state != NULL &&
                                                      strcmp(state, "on_hold") == 0);
    free(state);

    sim_fault("{\"kind\":\"raw_body\",\"status\":201,\"body\":\" \\r\\n\"}");
    uint16_t http = 0;
    body = NULL;
    s = phlo_client_call(retrying, "mpc_member_unhold",
                         "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE
                         "\",\"member_id\":\"+14153336666\"}",
                         &body, &http);
    CHECK("phlo_client_call: a 201 whose body is only whitespace is PHLO_OK, HTTP 201, body \"\"",
          s == PHLO_OK && http == 201 && body != NULL && body[0] == '\0');
    if (s == PHLO_OK) phlo_string_free(body);

    sim_fault("{\"kind\":\"raw_body\",\"status\":200,\"body\":\"\"}");
    body = NULL;
    s = get_phlo(retrying, PHLO_ID, &body);
    CHECK("a read answered 200 with no body is PHLO_OK with the body \"\", sent once",
          s == PHLO_OK && body != NULL && body[0] == '\0' && sim_request_total() == 3);
    if (s == PHLO_OK) phlo_string_free(body);
    phlo_client_free(retrying);
  }

  /* an unexpected redirect is not followed */
  sim_fault("{\"kind\":\"redirect\",\"location\":\"http://elsewhere.invalid/x\"}");
  s = get_phlo(c, PHLO_ID, &out);
  CHECK_ERROR("a redirect is not followed: PHLO_BAD_REQUEST", s, PHLO_BAD_REQUEST,
              "not followed", NULL);

  /* invalid_argument: rejected before anything is sent */
  before = sim_request_total();
  s = get_phlo(c, "not/an/id", &out);
  CHECK_ERROR("a malformed phlo_id is PHLO_INVALID_ARGUMENT naming the field", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"phlo_id\"", "\"attempts\":0");
  s = phlo_client_mpc_call(c, PHLO_ID, MPC_NODE, "+14152223333", "+14152225555", "boss", &out);
  CHECK_ERROR("a role outside agent/customer/supervisor is PHLO_INVALID_ARGUMENT", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"role\"", NULL);
  s = phlo_client_mpc_cold_transfer(c, PHLO_ID, MPC_NODE, "+14152223333", "not a number", NULL,
                                    &out);
  CHECK_ERROR("a malformed address is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"to\"", NULL);
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\",\"extra\":1}", &out, NULL);
  CHECK_ERROR("an unknown parameter is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"extra\"", NULL);
  s = phlo_client_call(c, "get_phlo", "{}", &out, NULL);
  CHECK_ERROR("a missing parameter is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"phlo_id\"", NULL);
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":42}", &out, NULL);
  CHECK_ERROR("a parameter of the wrong JSON type is PHLO_INVALID_ARGUMENT", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"phlo_id\"", NULL);
  s = phlo_client_run_phlo(c, PHLO_ID, "[1,2]", &out);
  CHECK_ERROR("a run payload that is not an object is PHLO_INVALID_ARGUMENT", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"payload\"", NULL);
  s = phlo_client_member_action(c, PHLO_ID, "voice_node", MPC_NODE, "+14152223333", "hold", &out);
  CHECK_ERROR("an unknown node_type is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"node_type\"", NULL);
  CHECK("nothing was sent for any invalid argument", sim_request_total() == before);
  CHECK("out_json was never written by a failed call", out == NULL);

  /* options of phlo_client_new */
  {
    phlo_client *h = NULL;
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{\"timeout_ms\":5000}", &h);
    CHECK_ERROR("an unknown option (the old timeout_ms) is PHLO_INVALID_ARGUMENT", s,
                PHLO_INVALID_ARGUMENT, "\"field\":\"timeout_ms\"", NULL);
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{\"timeout\":[5]}", &h);
    CHECK_ERROR("an option of the wrong type is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
                "\"field\":\"timeout\"", NULL);
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{\"timeout\":0}", &h);
    CHECK_ERROR("a zero timeout is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
                "\"field\":\"timeout\"", NULL);
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{\"action_retry\":\"sometimes\"}", &h);
    CHECK_ERROR("an unknown action_retry is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
                "\"field\":\"action_retry\"", NULL);
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{\"base_url\":\"https://h/v1\"}", &h);
    CHECK_ERROR("a base_url ending in /v1 is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
                "\"field\":\"base_url\"", NULL);
    s = phlo_client_new("XX123", AUTH_TOKEN, NULL, &h);
    CHECK_ERROR("a malformed auth id is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
                "\"field\":\"auth_id\"", NULL);
    CHECK("no handle was written by a failed phlo_client_new", h == NULL);
    s = phlo_client_new(AUTH_ID, AUTH_TOKEN,
                        "{\"timeout\":1.5,\"connect_timeout\":\"0.5\",\"max_retries\":1,"
                        "\"action_retry\":\"never\",\"user_agent_suffix\":\"C test\","
                        "\"max_response_bytes\":65536,\"proxy\":null,\"ca_cert_pem\":null,"
                        "\"allow_insecure_http\":false,\"max_in_flight\":8,"
                        "\"base_url\":\"http://127.0.0.1:1\"}",
                        &h);
    CHECK("every option is accepted", s == PHLO_OK && h != NULL);
    phlo_client_free(h);
  }

  /* the User-Agent names the C binding */
  s = get_phlo(c, PHLO_ID, &out);
  char *r = sim_last_request();
  CHECK("the User-Agent is plivo-phlo/<version> (C)",
        s == PHLO_OK && contains(r, "\"user-agent\":\"plivo-phlo/" PHLO_VERSION " (C)\""));
  free(r);
  phlo_string_free(out);
  out = NULL;

  phlo_client_free(c);
}
