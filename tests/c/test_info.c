/* Static information: version macros and string, status names, the operations table. */
#include <stdio.h>
#include <string.h>

#include "check.h"

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

  const char *ops = phlo_operations_json();
  static const char *op_names[] = {
      "get_phlo",          "run_phlo",          "get_phlo_run",
      "get_node",          "get_multi_party_call", "get_conference_bridge",
      "mpc_call",          "mpc_warm_transfer", "mpc_cold_transfer",
      "mpc_member_abort_transfer", "mpc_member_resume_call", "mpc_member_voicemail_drop",
      "mpc_member_hangup", "mpc_member_hold",   "mpc_member_unhold",
      "mpc_member_mute",   "mpc_member_unmute", "bridge_member_mute",
      "bridge_member_unmute", "bridge_member_hangup", "node_action",
      "member_action",     "raw"};
  int listed = 1;
  for (size_t i = 0; i < sizeof op_names / sizeof *op_names; i++) {
    char needle[96];
    snprintf(needle, sizeof needle, "\"name\":\"%s\"", op_names[i]);
    if (!contains(ops, needle)) {
      printf("    %s is not listed\n", op_names[i]);
      listed = 0;
    }
  }
  CHECK("phlo_operations_json lists the 23 operations",
        listed && count_of(ops, "\"name\":") == 23);
  CHECK("phlo_operations_json marks optional parameters",
        contains(ops, "\"name\":\"mpc_cold_transfer\",\"params\":[\"phlo_id\",\"node_id\","
                      "\"trigger_source\",\"to\"],\"optional\":[\"role\"]"));
  CHECK("phlo_operations_json is static (same pointer twice)", ops == phlo_operations_json());
  CHECK("no last error before any call", phlo_last_error_json() == NULL);
}
