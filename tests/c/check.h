/* Shared helpers of the C tests: checks with PASSED/FAILED lines, a tiny HTTP client for the
 * simulator's control API (/_sim/..., no auth), and small JSON-text probes.
 *
 * Every PHLO API call in these tests goes through libphlo; the HTTP helper here is only for the
 * simulator's own control endpoints (reset, faults, state, request log). */
#ifndef PHLO_TEST_CHECK_H
#define PHLO_TEST_CHECK_H

#include <stddef.h>

#include "json.h"
#include "phlo.h"

#define AUTH_ID "MAXXXXXXXXXXXXXXXXXX"
#define AUTH_TOKEN "token123"
#define PHLO_ID "3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b"
#define MPC_NODE "b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d"
#define BRIDGE_NODE "c7e8f9a0-1b2c-4d3e-9f4a-5b6c7d8e9f0a"
#define UNKNOWN_PHLO "00000000-0000-4000-8000-000000000000"

/* ---- checks ---- */
extern int g_passed, g_failed;
/* Records one check: prints "PASSED: name" or "FAILED: name (file:line)". Returns cond. */
int check_at(int cond, const char *name, const char *file, int line);
#define CHECK(name, cond) check_at((cond) ? 1 : 0, (name), __FILE__, __LINE__)

/* True when `haystack` is non-NULL and contains `needle`. */
int contains(const char *haystack, const char *needle);
/* How many times `needle` occurs in `haystack`. */
int count_of(const char *haystack, const char *needle);
/* The string value of "key":"..." in a JSON text (no escapes expected), malloc'd; NULL if
 * absent. */
char *json_string(const char *json, const char *key);

/* Checks that `got` is `want` and that this thread's last error contains each non-NULL needle
 * (e.g. "\"field\":\"phlo_id\""). Prints the last error on failure. */
int check_error_at(const char *name, phlo_status got, phlo_status want, const char *needle1,
                   const char *needle2, const char *file, int line);
#define CHECK_ERROR(name, got, want, n1, n2) \
  check_error_at((name), (got), (want), (n1), (n2), __FILE__, __LINE__)

/* ---- the simulator ---- */
/* The base URL from PLIVO_PHLO_BASE_URL (set by tests/suites/c.sh). */
const char *sim_base_url(void);
/* One control request; returns the body (malloc'd) and sets *status (0 on I/O failure). */
char *sim_http(const char *method, const char *path, const char *body, int *status);
/* POST /_sim/reset: the demo fixture again, empty request log, no faults. */
void sim_reset(void);
/* POST /_sim/faults with `fault_json`; returns 1 when the simulator accepted it. */
int sim_fault(const char *fault_json);
/* GET /_sim/nodes/{node}: the node's state (malloc'd). */
char *sim_node(const char *node_id);
/* GET /_sim/state (malloc'd). */
char *sim_state(void);
/* GET /_sim/requests (malloc'd). */
char *sim_requests(void);
/* The request log's "total". */
int sim_request_total(void);
/* The last logged request's JSON object, as a malloc'd copy (or NULL when the log is empty). */
char *sim_last_request(void);

/* GET `path` of the control API, parsed (NULL when the answer is not JSON). */
jv *sim_get_json(const char *path);
/* The member `member` of node `node_id` in the simulator's state: its "state" (malloc'd), or
 * NULL when the member is not there. */
char *sim_member_state(const char *node_id, const char *member);
/* A loopback port with nothing listening: bound, read back and closed again. */
int closed_port(void);
/* Reads a whole file (malloc'd, NUL-terminated); NULL when it cannot be read. */
char *read_file(const char *path);

/* ---- libphlo ---- */
/* A client for the simulator with the default credentials and `extra_options` (JSON members
 * without braces, e.g. "\"max_retries\":0", or NULL); aborts the test run when it fails. */
phlo_client *sim_client(const char *extra_options);
/* This thread's last error, parsed; NULL when there is none (or it is not JSON). */
jv *last_error(void);
/* Prints this thread's last error (for diagnosis). */
void print_last_error(void);

/* ---- the groups of tests ---- */
void test_info(void);
void test_operations(void);
void test_errors(void);
void test_misuse(void);
void test_threads(void);
void test_process(void);

#endif
