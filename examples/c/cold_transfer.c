/* A cold transfer with libphlo: the agent +14152223333 hands the call on node
 * b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d of PHLO 3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b over to
 * +14152225555 (role agent) and leaves. Prints the HTTP status and the response body.
 *
 * Credentials come from PLIVO_AUTH_ID and PLIVO_AUTH_TOKEN, the runner's address from
 * PLIVO_PHLO_BASE_URL (default https://phlorunner.plivo.com).
 *
 * Build: cc cold_transfer.c $(pkg-config --cflags --libs phlo) -o cold_transfer
 * On failure it prints the last error (a JSON object) to stderr and exits with status 1. */
#include <stdint.h>
#include <stdio.h>

#include <phlo.h>

static int fail(const char *what, phlo_status s) {
  char *error = phlo_last_error_json(); /* details of this thread's last failure */
  fprintf(stderr, "%s failed: %s\n%s\n", what, phlo_status_name(s), error ? error : "");
  phlo_string_free(error); /* NULL is fine */
  return 1;
}

int main(void) {
  phlo_client *client = NULL;
  /* NULL credentials and options: PLIVO_AUTH_ID, PLIVO_AUTH_TOKEN, PLIVO_PHLO_BASE_URL. */
  phlo_status s = phlo_client_new(NULL, NULL, NULL, &client);
  if (s != PHLO_OK) return fail("phlo_client_new", s);

  char *body = NULL;
  uint16_t status = 0;
  s = phlo_client_call(client, "mpc_cold_transfer",
                       "{\"phlo_id\":\"3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b\","
                       "\"node_id\":\"b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d\","
                       "\"trigger_source\":\"+14152223333\","
                       "\"to\":\"+14152225555\","
                       "\"role\":\"agent\"}",
                       &body, &status);
  /* The same call with the typed helper (no HTTP status):
   *   phlo_client_mpc_cold_transfer(client, phlo_id, node_id, "+14152223333",
   *                                 "+14152225555", "agent", &body); */
  if (s != PHLO_OK) {
    int rc = fail("mpc_cold_transfer", s);
    phlo_client_free(client);
    return rc;
  }
  printf("status: %u\n%s\n", (unsigned)status, body);
  phlo_string_free(body);
  phlo_client_free(client);
  return 0;
}
