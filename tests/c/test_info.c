/* Static information: version macros and string, status names, the operations table. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "json.h"

void test_info(void) {
  char numbers[64];
  snprintf(numbers, sizeof numbers, "%d.%d.%d", PHLO_VERSION_MAJOR, PHLO_VERSION_MINOR,
           PHLO_VERSION_PATCH);
  CHECK("PHLO_VERSION is MAJOR.MINOR.PATCH", strcmp(PHLO_VERSION, numbers) == 0);
  CHECK("phlo_version() matches the header's PHLO_VERSION",
        strcmp(phlo_version(), PHLO_VERSION) == 0);

  static const char *names[] = {"ok",          "invalid_argument", "authentication",
                                "not_found",   "bad_request",      "rate_limited",
                                "server",      "timeout",          "connection",
                                "decode",      "null_pointer",     "invalid_utf8",
                                "panic"};
  int all = 1;
  for (int i = 0; i <= PHLO_PANIC; i++) {
    if (strcmp(phlo_status_name((phlo_status)i), names[i]) != 0) {
      printf("    status %d is named %s\n", i, phlo_status_name((phlo_status)i));
      all = 0;
    }
  }
  CHECK("phlo_status_name names every status", all);
  CHECK("status numbers are fixed", PHLO_OK == 0 && PHLO_INVALID_ARGUMENT == 1 &&
                                        PHLO_DECODE == 9 && PHLO_NULL_POINTER == 10 &&
                                        PHLO_INVALID_UTF8 == 11 && PHLO_PANIC == 12);
  CHECK("phlo_status_name of a number that is no status is \"unknown\"",
        strcmp(phlo_status_name((phlo_status)99), "unknown") == 0 &&
            strcmp(phlo_status_name((phlo_status)-1), "unknown") == 0);

  /* The tables are the core's: every row is checked for its shape, not listed here, so a new
   * row needs no change to this test. */
  const char *ops = phlo_operations_json();
  jv *t = jv_parse(ops, NULL, 0);
  size_t n = jv_len(t);
  int shaped = t != NULL && t->type == JV_ARR && n >= 23;
  for (size_t i = 0; shaped && i < n; i++) {
    const jv *row = jv_at(t, i);
    shaped = jv_str(jv_get(row, "name")) != NULL && jv_get(row, "params") != NULL &&
             jv_get(row, "optional") != NULL && jv_get(row, "named") != NULL &&
             jv_str(jv_get(row, "endpoint")) != NULL && jv_str(jv_get(row, "doc")) != NULL;
  }
  jv_free(t);
  CHECK("phlo_operations_json is an array of rows with name, params, optional, named, endpoint, doc",
        shaped);
  CHECK("phlo_operations_json gives the seed call's row",
        contains(ops, "\"name\":\"mpc_cold_transfer\",\"params\":[\"phlo_id\",\"node_id\","
                      "\"trigger_source\",\"to\"],\"optional\":[\"role\"]") &&
            contains(ops, "\"default_role\":\"agent\""));
  CHECK("phlo_operations_json is static (same pointer twice)", ops == phlo_operations_json());
  CHECK("no last error before any call", phlo_last_error_json() == NULL);

  /* Every option phlo_options_json lists is an option of phlo_client_new: null (its default) is
   * accepted, and a value no option takes is refused naming it. */
  const char *opts = phlo_options_json();
  t = jv_parse(opts, NULL, 0);
  n = jv_len(t);
  int known = t != NULL && n >= 11;
  for (size_t i = 0; known && i < n; i++) {
    const char *name = jv_str(jv_get(jv_at(t, i), "name"));
    char json[128], field[128];
    snprintf(json, sizeof json, "{\"%s\":null}", name ? name : "");
    phlo_client *h = NULL;
    int ok = phlo_client_new(AUTH_ID, AUTH_TOKEN, json, &h) == PHLO_OK;
    phlo_client_free(h);
    snprintf(json, sizeof json, "{\"%s\":[1]}", name ? name : "");
    snprintf(field, sizeof field, "\"field\":\"%s\"", name ? name : "");
    h = NULL;
    char *e = NULL;
    int refused = phlo_client_new(AUTH_ID, AUTH_TOKEN, json, &h) == PHLO_INVALID_ARGUMENT &&
                  (e = phlo_last_error_json()) != NULL && contains(e, field);
    phlo_string_free(e);
    if (!ok || !refused) printf("    option %s: null %s, [1] %s\n", name, ok ? "ok" : "refused",
                                refused ? "refused" : "not refused as it should be");
    known = name != NULL && ok && refused;
  }
  jv_free(t);
  CHECK("every option of phlo_options_json is taken by phlo_client_new's options_json", known);
  CHECK("phlo_options_json gives kind, unit, default and doc",
        contains(opts, "{\"name\":\"timeout\",\"kind\":\"seconds\""));
  CHECK("phlo_options_json is static (same pointer twice)", opts == phlo_options_json());
}
