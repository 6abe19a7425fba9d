/* The API misused on purpose: NULL handles and out-params, invalid UTF-8, malformed JSON,
 * unknown operations, frees of NULL. Each gives a status, never a crash, and sends nothing. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

void test_misuse(void) {
  sim_reset();
  phlo_client *c = sim_client("\"max_retries\":0");
  char *sentinel = (char *)"untouched";
  char *out = sentinel;
  uint16_t http = 7;
  const char *bad_utf8 = "\xff\xfe-not-utf8";
  int before = sim_request_total();

  phlo_status s = phlo_client_call(NULL, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", &out, &http);
  CHECK_ERROR("a NULL handle is PHLO_NULL_POINTER naming client", s, PHLO_NULL_POINTER,
              "\"field\":\"client\"", "\"kind\":\"invalid_argument\"");
  s = phlo_client_get_phlo(NULL, PHLO_ID, &out);
  CHECK_ERROR("a NULL handle in a typed helper is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"client\"", NULL);
  s = phlo_client_call(c, NULL, NULL, &out, &http);
  CHECK_ERROR("a NULL operation is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"operation\"", NULL);
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", NULL, &http);
  CHECK_ERROR("a NULL out_json is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"out_json\"", NULL);
  s = phlo_client_get_phlo(c, PHLO_ID, NULL);
  CHECK_ERROR("a NULL out_json in a typed helper is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"out_json\"", NULL);
  s = phlo_client_get_phlo(c, NULL, &out);
  CHECK_ERROR("a NULL required string is PHLO_NULL_POINTER naming it", s, PHLO_NULL_POINTER,
              "\"field\":\"phlo_id\"", NULL);
  s = phlo_client_mpc_call(c, PHLO_ID, MPC_NODE, "+14152223333", "+14152225555", NULL, &out);
  CHECK_ERROR("mpc_call requires a role: NULL is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"role\"", NULL);
  s = phlo_client_member_action(c, PHLO_ID, "multi_party_call", MPC_NODE, NULL, "hold", &out);
  CHECK_ERROR("a NULL member_id is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"member_id\"", NULL);
  s = phlo_client_new(AUTH_ID, AUTH_TOKEN, NULL, NULL);
  CHECK_ERROR("a NULL out_client is PHLO_NULL_POINTER", s, PHLO_NULL_POINTER,
              "\"field\":\"out_client\"", NULL);

  s = phlo_client_call(c, bad_utf8, NULL, &out, &http);
  CHECK_ERROR("an operation that is not UTF-8 is PHLO_INVALID_UTF8", s, PHLO_INVALID_UTF8,
              "\"field\":\"operation\"", "\"kind\":\"invalid_argument\"");
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":\"\xc3\x28\"}", &out, &http);
  CHECK_ERROR("params_json that is not UTF-8 is PHLO_INVALID_UTF8", s, PHLO_INVALID_UTF8,
              "\"field\":\"params_json\"", NULL);
  s = phlo_client_mpc_cold_transfer(c, PHLO_ID, MPC_NODE, "+14152223333", bad_utf8, NULL, &out);
  CHECK_ERROR("a typed argument that is not UTF-8 is PHLO_INVALID_UTF8", s, PHLO_INVALID_UTF8,
              "\"field\":\"to\"", NULL);
  phlo_client *h = NULL;
  s = phlo_client_new(bad_utf8, AUTH_TOKEN, NULL, &h);
  CHECK_ERROR("credentials that are not UTF-8 are PHLO_INVALID_UTF8", s, PHLO_INVALID_UTF8,
              "\"field\":\"auth_id\"", NULL);

  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":", &out, &http);
  CHECK_ERROR("malformed params_json is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"params_json\"", "is not valid JSON");
  s = phlo_client_call(c, "get_phlo", "[\"" PHLO_ID "\"]", &out, &http);
  CHECK_ERROR("params_json that is not an object is PHLO_INVALID_ARGUMENT", s,
              PHLO_INVALID_ARGUMENT, "\"field\":\"params_json\"", NULL);
  s = phlo_client_run_phlo(c, PHLO_ID, "{\"from\":", &out);
  CHECK_ERROR("a malformed run payload is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"payload_json\"", NULL);
  s = phlo_client_new(AUTH_ID, AUTH_TOKEN, "{not json}", &h);
  CHECK_ERROR("malformed options_json is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"options_json\"", NULL);
  s = phlo_client_call(c, "teleport", NULL, &out, &http);
  CHECK_ERROR("an unknown operation is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"operation\"", "unknown operation");
  s = phlo_client_call(c, "", "{}", &out, &http);
  CHECK_ERROR("an empty operation name is PHLO_INVALID_ARGUMENT", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"operation\"", NULL);

  CHECK("out-params are untouched by every failure", out == sentinel && http == 7 && h == NULL);
  CHECK("nothing was sent by any misuse", sim_request_total() == before);

  /* NULL params_json means {} and NULL out_http_status is allowed */
  out = NULL;
  s = phlo_client_call(c, "raw", NULL, &out, NULL);
  CHECK_ERROR("NULL params_json is {} (raw then lacks method)", s, PHLO_INVALID_ARGUMENT,
              "\"field\":\"method\"", NULL);
  s = phlo_client_call(c, "get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}", &out, NULL);
  CHECK("a NULL out_http_status is allowed", s == PHLO_OK && contains(out, PHLO_ID));
  phlo_string_free(out);

  /* the last error is cleared by the next fallible call, and reading it does not clear it */
  s = phlo_client_get_phlo(c, "bad id", &out);
  char *e1 = phlo_last_error_json();
  char *e2 = phlo_last_error_json();
  CHECK("reading the last error twice gives it twice (two copies)",
        s == PHLO_INVALID_ARGUMENT && e1 && e2 && e1 != e2);
  phlo_string_free(e1);
  phlo_string_free(e2);
  s = phlo_client_get_phlo(c, PHLO_ID, &out);
  CHECK("a successful call clears the last error", s == PHLO_OK && phlo_last_error_json() == NULL);
  phlo_string_free(out);

  /* releasing NULL does nothing */
  phlo_client_free(NULL);
  phlo_string_free(NULL);
  CHECK("phlo_client_free(NULL) and phlo_string_free(NULL) are no-ops", 1);

  phlo_client_free(c);
}
