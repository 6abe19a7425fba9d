/* Every operation of the table against the simulator: the answer, and the simulator's state and
 * request log afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define AGENT "+14152223333"
#define CUSTOMER "+14153336666"
#define MEMBER(addr, role, state) "\"" addr "\":{\"role\":\"" role "\",\"state\":\"" state "\"}"
#define MPC_PATH "/v1/phlo/" PHLO_ID "/multi_party_call/" MPC_NODE

/* Runs a named operation; returns the body (free with phlo_string_free) or NULL. */
static char *call(phlo_client *c, const char *op, const char *params, uint16_t *http) {
  char *out = NULL;
  phlo_status s = phlo_client_call(c, op, params, &out, http);
  if (s != PHLO_OK) {
    printf("    %s failed: %s\n", op, phlo_status_name(s));
    print_last_error();
    return NULL;
  }
  return out;
}

/* Whether the node's simulator state contains `fragment`. */
static int node_has(const char *node_id, const char *fragment) {
  char *n = sim_node(node_id);
  int ok = contains(n, fragment);
  if (!ok) printf("    node state: %s\n    missing: %s\n", n ? n : "(none)", fragment);
  free(n);
  return ok;
}

/* Whether the node's simulator state does not contain `fragment`. */
static int node_lacks(const char *node_id, const char *fragment) {
  char *n = sim_node(node_id);
  int ok = n != NULL && !contains(n, fragment);
  if (!ok) printf("    node state: %s\n    unexpected: %s\n", n ? n : "(none)", fragment);
  free(n);
  return ok;
}

/* Whether the last logged request has this method, path and (when non-NULL) exact body. */
static int last_request_was(const char *method, const char *path, const char *body_json_escaped) {
  char *r = sim_last_request();
  char m[64], p[512], b[1024];
  snprintf(m, sizeof m, "\"method\":\"%s\"", method);
  snprintf(p, sizeof p, "\"path\":\"%s\"", path);
  snprintf(b, sizeof b, "\"body\":\"%s\"", body_json_escaped ? body_json_escaped : "");
  int ok = contains(r, m) && contains(r, p) && (body_json_escaped == NULL || contains(r, b));
  if (!ok) printf("    last request: %s\n", r ? r : "(none)");
  free(r);
  return ok;
}

/* A member operation on the demo MPC node through phlo_client_call. */
static char *member_op(phlo_client *c, const char *op, const char *node, const char *member) {
  char params[512];
  snprintf(params, sizeof params,
           "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"%s\",\"member_id\":\"%s\"}", node, member);
  return call(c, op, params, NULL);
}

static void test_reads(phlo_client *c) {
  sim_reset();
  char *out = NULL;
  phlo_status s = phlo_client_get_phlo(c, PHLO_ID, &out);
  CHECK("get_phlo (typed helper) returns the PHLO",
        s == PHLO_OK && contains(out, "\"phlo_id\":\"" PHLO_ID "\"") &&
            contains(out, "\"name\":\"support line\"") && contains(out, "\"api_id\":\""));
  CHECK("get_phlo sent GET /v1/phlo/{P} once",
        sim_request_total() == 1 && last_request_was("GET", "/v1/phlo/" PHLO_ID, NULL));
  phlo_string_free(out);

  uint16_t http = 0;
  out = call(c, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", &http);
  CHECK("get_phlo (generic) returns the body and HTTP 200",
        out && http == 200 && contains(out, "\"created_on\":\"2024-05-14 09:31:07.114209+00:00\""));
  phlo_string_free(out);

  out = call(c, "get_multi_party_call", "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\"}",
             &http);
  CHECK("get_multi_party_call returns the node",
        out && http == 200 && contains(out, "\"node_type\":\"multi_party_call\"") &&
            contains(out, "\"name\":\"Multi-Party Call_1\"") &&
            last_request_was("GET", MPC_PATH, NULL));
  phlo_string_free(out);

  out = call(c, "get_conference_bridge",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" BRIDGE_NODE "\"}", &http);
  CHECK("get_conference_bridge returns the node",
        out && contains(out, "\"node_type\":\"conference_bridge\"") &&
            last_request_was("GET", "/v1/phlo/" PHLO_ID "/conference_bridge/" BRIDGE_NODE, NULL));
  phlo_string_free(out);

  out = call(c, "get_node",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_type\":\"conference_bridge\",\"node_id\":\"" BRIDGE_NODE "\"}",
             NULL);
  CHECK("get_node (either type) returns the node",
        out && contains(out, "\"node_id\":\"" BRIDGE_NODE "\"") &&
            contains(out, "\"name\":\"Conference Bridge_1\""));
  phlo_string_free(out);

  out = call(c, "raw", "{\"method\":\"GET\",\"path\":\"/v1/phlo/" PHLO_ID "\"}", &http);
  CHECK("raw GET returns the body as sent",
        out && http == 200 && contains(out, "\"phlo_id\":\"" PHLO_ID "\"") &&
            last_request_was("GET", "/v1/phlo/" PHLO_ID, NULL));
  phlo_string_free(out);
  CHECK("six reads, six requests", sim_request_total() == 6);
}

static void test_mpc(phlo_client *c) {
  sim_reset();
  char *out = NULL;
  phlo_status s =
      phlo_client_mpc_call(c, PHLO_ID, MPC_NODE, AGENT, "sip:alice@example.com", "customer", &out);
  CHECK("mpc_call (typed) adds the party",
        s == PHLO_OK && contains(out, "\"error\":\"\"") &&
            node_has(MPC_NODE, MEMBER("sip:alice@example.com", "customer", "connected")) &&
            last_request_was("POST", MPC_PATH,
                             "{\\\"action\\\":\\\"call\\\",\\\"to\\\":\\\"sip:alice@example.com\\\","
                             "\\\"role\\\":\\\"customer\\\",\\\"trigger_source\\\":\\\"+14152223333\\\"}"));
  phlo_string_free(out);

  out = member_op(c, "mpc_member_hold", MPC_NODE, CUSTOMER);
  CHECK("mpc_member_hold puts the member on hold",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "on_hold")) &&
            last_request_was("POST", MPC_PATH "/members/" CUSTOMER,
                             "{\\\"action\\\":\\\"hold\\\"}"));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_unhold", MPC_NODE, CUSTOMER);
  CHECK("mpc_member_unhold takes the member off hold",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "connected")));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_mute", MPC_NODE, CUSTOMER);
  CHECK("mpc_member_mute mutes the member",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "muted")));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_unmute", MPC_NODE, CUSTOMER);
  CHECK("mpc_member_unmute unmutes the member",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "connected")));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_voicemail_drop", MPC_NODE, "sip:alice@example.com");
  CHECK("mpc_member_voicemail_drop drops the member (SIP URI kept as is in the path)",
        out && node_has(MPC_NODE, MEMBER("sip:alice@example.com", "customer", "left")) &&
            last_request_was("POST", MPC_PATH "/members/sip:alice@example.com",
                             "{\\\"action\\\":\\\"voicemail_drop\\\"}"));
  phlo_string_free(out);

  s = phlo_client_mpc_warm_transfer(c, PHLO_ID, MPC_NODE, AGENT, "+14154447777", NULL, &out);
  CHECK("mpc_warm_transfer (typed, role NULL = agent) starts a consultation",
        s == PHLO_OK && node_has(MPC_NODE, MEMBER("+14154447777", "agent", "consulting")) &&
            node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "on_hold")) &&
            last_request_was("POST", MPC_PATH,
                             "{\\\"action\\\":\\\"warm_transfer\\\",\\\"to\\\":\\\"+14154447777\\\","
                             "\\\"role\\\":\\\"agent\\\",\\\"trigger_source\\\":\\\"+14152223333\\\"}"));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_abort_transfer", MPC_NODE, AGENT);
  CHECK("mpc_member_abort_transfer undoes the transfer",
        out && node_has(MPC_NODE, MEMBER("+14154447777", "agent", "left")) &&
            node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "connected")) &&
            node_has(MPC_NODE, "\"pending_transfer\":null"));
  phlo_string_free(out);

  out = call(c, "mpc_warm_transfer",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"trigger_source\":\"" AGENT
             "\",\"to\":\"+14154448888\",\"role\":\"supervisor\"}",
             NULL);
  CHECK("mpc_warm_transfer (generic, role given) starts a consultation",
        out && node_has(MPC_NODE, MEMBER("+14154448888", "supervisor", "consulting")));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_resume_call", MPC_NODE, AGENT);
  CHECK("mpc_member_resume_call completes the transfer",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "connected")) &&
            node_lacks(MPC_NODE, "consulting") && node_has(MPC_NODE, "\"pending_transfer\":null"));
  phlo_string_free(out);

  out = call(c, "node_action",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE "\",\"action\":\"call\","
             "\"trigger_source\":\"" AGENT "\",\"to\":\"+14157770000\",\"role\":\"supervisor\"}",
             NULL);
  CHECK("node_action (generic action) dials the party",
        out && node_has(MPC_NODE, MEMBER("+14157770000", "supervisor", "connected")));
  phlo_string_free(out);
  out = member_op(c, "mpc_member_hangup", MPC_NODE, "+14157770000");
  CHECK("mpc_member_hangup disconnects the member",
        out && node_has(MPC_NODE, MEMBER("+14157770000", "supervisor", "left")));
  phlo_string_free(out);

  int before = sim_request_total();
  s = phlo_client_mpc_cold_transfer(c, PHLO_ID, MPC_NODE, AGENT, "+14152225555", "agent", &out);
  CHECK("mpc_cold_transfer (typed): the seed call, byte for byte",
        s == PHLO_OK && contains(out, "\"error\":\"\"") &&
            sim_request_total() == before + 1 &&
            last_request_was("POST", MPC_PATH,
                             "{\\\"action\\\":\\\"cold_transfer\\\",\\\"to\\\":\\\"+14152225555\\\","
                             "\\\"role\\\":\\\"agent\\\",\\\"trigger_source\\\":\\\"+14152223333\\\"}"));
  CHECK("mpc_cold_transfer: the new agent is in, the initiator has left",
        node_has(MPC_NODE, MEMBER("+14152225555", "agent", "connected")) &&
            node_has(MPC_NODE, MEMBER(AGENT, "agent", "left")));
  phlo_string_free(out);

  out = call(c, "mpc_cold_transfer",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE
             "\",\"trigger_source\":\"+14152225555\",\"to\":\"+14152226666\"}",
             NULL);
  CHECK("mpc_cold_transfer (generic, role left out = agent)",
        out && node_has(MPC_NODE, MEMBER("+14152226666", "agent", "connected")) &&
            node_has(MPC_NODE, MEMBER("+14152225555", "agent", "left")));
  phlo_string_free(out);
}

/* phlo_client_call_strings: the named path with parameters as two string arrays, no JSON. */
static void test_call_strings(phlo_client *c) {
  sim_reset();
  const char *names[] = {"phlo_id", "node_id", "trigger_source", "to", "role"};
  const char *values[] = {PHLO_ID, MPC_NODE, AGENT, "+14152225555", NULL};
  char *out = NULL;
  uint16_t http = 0;
  int before = sim_request_total();
  phlo_status s = phlo_client_call_strings(c, "mpc_cold_transfer", names, values, 5, &out, &http);
  CHECK("call_strings mpc_cold_transfer (NULL role = agent): the seed call, byte for byte",
        s == PHLO_OK && http == 201 && contains(out, "\"error\":\"\"") &&
            sim_request_total() == before + 1 &&
            last_request_was("POST", MPC_PATH,
                             "{\\\"action\\\":\\\"cold_transfer\\\",\\\"to\\\":\\\"+14152225555\\\","
                             "\\\"role\\\":\\\"agent\\\",\\\"trigger_source\\\":\\\"+14152223333\\\"}"));
  CHECK("call_strings mpc_cold_transfer: the new agent is in, the initiator has left",
        node_has(MPC_NODE, MEMBER("+14152225555", "agent", "connected")) &&
            node_has(MPC_NODE, MEMBER(AGENT, "agent", "left")));
  phlo_string_free(out);

  const char *mnames[] = {"phlo_id", "node_id", "member_id"};
  const char *mvalues[] = {PHLO_ID, MPC_NODE, CUSTOMER};
  out = NULL;
  s = phlo_client_call_strings(c, "mpc_member_hold", mnames, mvalues, 3, &out, NULL);
  CHECK("call_strings mpc_member_hold holds the member (NULL out_http_status allowed)",
        s == PHLO_OK && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "on_hold")));
  phlo_string_free(out);

  const char *gnames[] = {"phlo_id"};
  const char *gvalues[] = {PHLO_ID};
  out = NULL;
  s = phlo_client_call_strings(c, "get_phlo", gnames, gvalues, 1, &out, &http);
  CHECK("call_strings get_phlo returns the PHLO with HTTP 200",
        s == PHLO_OK && http == 200 && contains(out, "\"name\":\"support line\""));
  phlo_string_free(out);

  /* Misuse: each a status and a named field, nothing sent, out-params untouched. */
  char *sentinel = (char *)"untouched";
  out = sentinel;
  http = 7;
  before = sim_request_total();
  const char *twice_names[] = {"phlo_id", "phlo_id"};
  const char *twice_values[] = {PHLO_ID, PHLO_ID};
  s = phlo_client_call_strings(c, "get_phlo", twice_names, twice_values, 2, &out, &http);
  CHECK_ERROR("call_strings: a name given twice is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"phlo_id\"", "given twice");
  s = phlo_client_call_strings(c, "mpc_cold_transfer", names, values, 3, &out, &http);
  CHECK_ERROR("call_strings: a missing parameter is PHLO_INVALID_ARGUMENT naming it", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"to\"", "is required");
  s = phlo_client_call_strings(c, "get_phlo", NULL, gvalues, 1, &out, &http);
  CHECK_ERROR("call_strings: NULL names with a count is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"names\"", NULL);
  s = phlo_client_call_strings(c, "get_phlo", gnames, NULL, 1, &out, &http);
  CHECK_ERROR("call_strings: NULL values with a count is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"values\"", NULL);
  const char *null_name[] = {NULL};
  s = phlo_client_call_strings(c, "get_phlo", null_name, gvalues, 1, &out, &http);
  CHECK_ERROR("call_strings: a NULL name is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"names\"", NULL);
  const char *bad_value[] = {"\xff\xfe"};
  s = phlo_client_call_strings(c, "get_phlo", gnames, bad_value, 1, &out, &http);
  CHECK_ERROR("call_strings: a value that is not UTF-8 is PHLO_INVALID_UTF8 naming it", s,
              PHLO_INVALID_UTF8, "\"field\":\"phlo_id\"", NULL);
  s = phlo_client_call_strings(c, "get_phlo", gnames, gvalues, 9, &out, &http);
  CHECK_ERROR("call_strings: more than 8 pairs is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"count\"", NULL);
  const char *payload_names[] = {"phlo_id", "payload"};
  const char *payload_values[] = {PHLO_ID, "{}"};
  s = phlo_client_call_strings(c, "run_phlo", payload_names, payload_values, 2, &out, &http);
  CHECK_ERROR("call_strings: a JSON-valued parameter as text is PHLO_INVALID_ARGUMENT", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"payload\"", NULL);
  s = phlo_client_call_strings(c, "get_phlo", NULL, NULL, 0, &out, &http);
  CHECK_ERROR("call_strings: no pairs at all (NULL arrays, count 0) reports the missing id", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"phlo_id\"", "is required");
  CHECK("call_strings: out-params untouched and nothing sent by any misuse",
        out == sentinel && http == 7 && sim_request_total() == before);
}

static void test_bridge(phlo_client *c) {
  sim_reset();
  char *out = member_op(c, "bridge_member_mute", BRIDGE_NODE, "+14155550123");
  CHECK("bridge_member_mute mutes the member",
        out && node_has(BRIDGE_NODE, "\"+14155550123\":{\"role\":\"customer\",\"state\":\"muted\"}") &&
            last_request_was("POST",
                             "/v1/phlo/" PHLO_ID "/conference_bridge/" BRIDGE_NODE
                             "/members/+14155550123",
                             "{\\\"action\\\":\\\"mute\\\"}"));
  phlo_string_free(out);
  out = member_op(c, "bridge_member_unmute", BRIDGE_NODE, "+14155550123");
  CHECK("bridge_member_unmute unmutes the member",
        out && node_has(BRIDGE_NODE, "\"+14155550123\":{\"role\":\"customer\",\"state\":\"connected\"}"));
  phlo_string_free(out);

  phlo_status s = phlo_client_member_action(c, PHLO_ID, "conference_bridge", BRIDGE_NODE,
                                            "+14155550124", "mute", &out);
  CHECK("member_action (typed helper) on a conference bridge",
        s == PHLO_OK && node_has(BRIDGE_NODE, "\"+14155550124\":{\"role\":\"customer\",\"state\":\"muted\"}"));
  phlo_string_free(out);

  out = call(c, "member_action",
             "{\"phlo_id\":\"" PHLO_ID "\",\"node_type\":\"multi_party_call\",\"node_id\":\"" MPC_NODE
             "\",\"member_id\":\"" CUSTOMER "\",\"action\":\"hold\"}",
             NULL);
  CHECK("member_action (generic) on a multi-party call",
        out && node_has(MPC_NODE, MEMBER(CUSTOMER, "customer", "on_hold")));
  phlo_string_free(out);

  out = member_op(c, "bridge_member_hangup", BRIDGE_NODE, "+14155550124");
  CHECK("bridge_member_hangup disconnects the member",
        out && node_has(BRIDGE_NODE, "\"+14155550124\":{\"role\":\"customer\",\"state\":\"left\"}"));
  phlo_string_free(out);
}

static void test_runs(phlo_client *c) {
  sim_reset();
  char *out = NULL;
  phlo_status s = phlo_client_run_phlo(c, PHLO_ID, NULL, &out);
  CHECK("run_phlo (typed, no payload) sends {} and returns the message",
        s == PHLO_OK && contains(out, "\"message\":\"") &&
            last_request_was("POST", "/v1/account/" AUTH_ID "/phlo/" PHLO_ID, "{}"));
  phlo_string_free(out);

  uint16_t http = 0;
  out = call(c, "run_phlo",
             "{\"phlo_id\":\"" PHLO_ID "\",\"payload\":{\"from\":\"+14152225555\",\"to\":\"+14153336666\","
             "\"ticket\":1234,\"vip\":true,\"dropped\":null}}",
             &http);
  CHECK("run_phlo (generic, payload) answers 201 with the payload sent, nulls dropped",
        out && http == 201 &&
            last_request_was("POST", "/v1/account/" AUTH_ID "/phlo/" PHLO_ID,
                             "{\\\"from\\\":\\\"+14152225555\\\",\\\"to\\\":\\\"+14153336666\\\","
                             "\\\"ticket\\\":1234,\\\"vip\\\":true}"));
  char *run_id = json_string(out, "phlo_run_id");
  if (run_id == NULL) run_id = json_string(out, "api_id");
  phlo_string_free(out);

  char *state = sim_state();
  CHECK("run_phlo: the simulator recorded the run", run_id && contains(state, run_id));
  free(state);

  char params[256];
  snprintf(params, sizeof params, "{\"phlo_id\":\"" PHLO_ID "\",\"run_id\":\"%s\"}",
           run_id ? run_id : "none");
  out = call(c, "get_phlo_run", params, &http);
  char needle[128];
  snprintf(needle, sizeof needle, "\"run_id\":\"%s\"", run_id ? run_id : "none");
  CHECK("get_phlo_run reads the run back", out && http == 200 && contains(out, needle));
  phlo_string_free(out);
  free(run_id);

  s = phlo_client_run_phlo(c, PHLO_ID, "{\"from\":\"+14152225555\",\"to\":\"+14153336666\"}", &out);
  CHECK("run_phlo (typed, payload JSON) succeeds", s == PHLO_OK && contains(out, "\"api_id\":\""));
  phlo_string_free(out);
}

void test_operations(void) {
  phlo_client *c = sim_client(NULL);
  test_reads(c);
  test_mpc(c);
  test_call_strings(c);
  test_bridge(c);
  test_runs(c);
  phlo_client_free(c);
}
