/* Bad input and misuse, exhaustively: every exported function with NULL for
 * each pointer argument in turn, invalid UTF-8 in each string argument, empty strings, 8 MiB
 * strings (256 KiB under valgrind, where 8 MiB would take minutes), malformed JSON, JSON of the
 * wrong type (top level, and for every parameter of every operation listed by
 * phlo_operations_json()), invalid values for every parameter, unknown operations, parameters
 * and options, and phlo_status_name() with numbers that are no status.
 *
 * Every input must give its documented status, a last error whose kind is "invalid_argument"
 * (status_name telling NULL_POINTER and INVALID_UTF8 apart) and whose field names the culprit,
 * leave the out-params untouched, and send nothing: the simulator's request count stays 0. Run
 * under valgrind and ASan by tests/suites/c.sh, so "never a crash" includes memory errors.
 *
 * Prints one CHECK per group (each failing input is listed under it), the number of inputs tried,
 * and "N passed, M failed". */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"

/* The size of the huge strings: 8 MiB (argv[1] may set another, for the valgrind run). */
static size_t HUGE_LEN = 8u << 20;
#define RUN_ID "5d3a2c1b-0f9e-4d8c-b7a6-958473625140"

/* ---- the functions, called uniformly ---- */

enum fn {
  F_NEW,       /* phlo_client_new(auth_id, auth_token, options_json, &client) */
  F_CALL,      /* phlo_client_call(client, operation, params_json, &json, &http) */
  F_MPC_CALL,  /* phlo_client_mpc_call(client, phlo_id, node_id, trigger_source, to, role, &json) */
  F_WARM,      /* phlo_client_mpc_warm_transfer(...same...) */
  F_COLD,      /* phlo_client_mpc_cold_transfer(...same...) */
  F_MEMBER,    /* phlo_client_member_action(client, phlo_id, node_type, node_id, member_id,
                  action, &json) */
  F_GET,       /* phlo_client_get_phlo(client, phlo_id, &json) */
  F_RUN,       /* phlo_client_run_phlo(client, phlo_id, payload_json, &json) */
  F_COUNT
};

static const char *const FN_NAME[F_COUNT] = {
    "phlo_client_new",           "phlo_client_call",
    "phlo_client_mpc_call",      "phlo_client_mpc_warm_transfer",
    "phlo_client_mpc_cold_transfer", "phlo_client_member_action",
    "phlo_client_get_phlo",      "phlo_client_run_phlo"};

/* The string arguments of each function, in order; NULL ends the list. */
static const char *const ARG_NAME[F_COUNT][6] = {
    {"auth_id", "auth_token", "options_json", NULL},
    {"operation", "params_json", NULL},
    {"phlo_id", "node_id", "trigger_source", "to", "role", NULL},
    {"phlo_id", "node_id", "trigger_source", "to", "role", NULL},
    {"phlo_id", "node_id", "trigger_source", "to", "role", NULL},
    {"phlo_id", "node_type", "node_id", "member_id", "action", NULL},
    {"phlo_id", NULL},
    {"phlo_id", "payload_json", NULL}};

/* Which string arguments may be NULL (documented as optional). */
static const int ARG_OPTIONAL[F_COUNT][6] = {
    {1, 1, 1}, {0, 1}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 1}, {0, 0, 0, 0, 0}, {0},
    {0, 1}};

static char g_options[512]; /* {"base_url": the simulator} */
static const char *VALID[F_COUNT][6] = {
    {AUTH_ID, AUTH_TOKEN, g_options},
    {"get_phlo", "{\"phlo_id\":\"" PHLO_ID "\"}"},
    {PHLO_ID, MPC_NODE, "+14152223333", "+14152225555", "agent"},
    {PHLO_ID, MPC_NODE, "+14152223333", "+14152225555", "agent"},
    {PHLO_ID, MPC_NODE, "+14152223333", "+14152225555", "agent"},
    {PHLO_ID, "multi_party_call", MPC_NODE, "+14153336666", "hold"},
    {PHLO_ID},
    {PHLO_ID, "{}"}};

static int nargs(enum fn f) {
  int n = 0;
  while (n < 6 && ARG_NAME[f][n] != NULL) n++;
  return n;
}

/* One input: a function, its string arguments, and which pointers are NULL. */
typedef struct {
  enum fn fn;
  const char *a[6];
  int null_client, null_out, null_http;
} input;

static input valid_input(enum fn f) {
  input in;
  memset(&in, 0, sizeof in);
  in.fn = f;
  for (int i = 0; i < nargs(f); i++) in.a[i] = VALID[f][i];
  return in;
}

static phlo_client *g_client;

/* Calls the input's function. Out-params are pre-set to sentinels; *touched reports whether a
 * failing call wrote any of them. A client made by phlo_client_new is freed. */
static phlo_status invoke(const input *in, int *touched) {
  char *const sentinel = (char *)"untouched";
  phlo_client *const client_sentinel = (phlo_client *)&sentinel;
  char *out = sentinel;
  uint16_t http = 7;
  phlo_client *made = client_sentinel;
  const phlo_client *c = in->null_client ? NULL : g_client;
  char **o = in->null_out ? NULL : &out;
  const char *const *a = in->a;
  phlo_status s = PHLO_PANIC;
  switch (in->fn) {
    case F_NEW:
      s = phlo_client_new(a[0], a[1], a[2], in->null_out ? NULL : &made);
      break;
    case F_CALL:
      s = phlo_client_call(c, a[0], a[1], o, in->null_http ? NULL : &http);
      break;
    case F_MPC_CALL: s = phlo_client_mpc_call(c, a[0], a[1], a[2], a[3], a[4], o); break;
    case F_WARM: s = phlo_client_mpc_warm_transfer(c, a[0], a[1], a[2], a[3], a[4], o); break;
    case F_COLD: s = phlo_client_mpc_cold_transfer(c, a[0], a[1], a[2], a[3], a[4], o); break;
    case F_MEMBER: s = phlo_client_member_action(c, a[0], a[1], a[2], a[3], a[4], o); break;
    case F_GET: s = phlo_client_get_phlo(c, a[0], o); break;
    case F_RUN: s = phlo_client_run_phlo(c, a[0], a[1], o); break;
    case F_COUNT: break;
  }
  *touched = out != sentinel || http != 7 || made != client_sentinel;
  if (s == PHLO_OK) {
    if (out != sentinel) phlo_string_free(out);
    if (made != client_sentinel) phlo_client_free(made);
  }
  return s;
}

/* ---- groups of inputs and their tally ---- */

static long g_inputs = 0;       /* every input tried */
static struct {
  const char *name;
  long tried, wrong;
} g_group;
static struct timespec g_group_t0;

static void group_begin(const char *name) {
  static char copy[256];
  snprintf(copy, sizeof copy, "%s", name);
  g_group.name = copy;
  g_group.tried = g_group.wrong = 0;
  clock_gettime(CLOCK_MONOTONIC, &g_group_t0);
}

static void group_end(void) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("    (%.2f s)\n", (double)(t1.tv_sec - g_group_t0.tv_sec) +
                              (double)(t1.tv_nsec - g_group_t0.tv_nsec) / 1e9);
  char title[256];
  snprintf(title, sizeof title, "%s: %ld inputs, each as documented", g_group.name,
           g_group.tried);
  CHECK(title, g_group.wrong == 0 && g_group.tried > 0);
}

/* A shortened, printable form of a value for failure messages. */
static void show(sbuf *b, const char *s) {
  if (s == NULL) {
    sb_add(b, "NULL");
    return;
  }
  size_t n = strlen(s);
  sb_add(b, "\"");
  for (size_t i = 0; i < n && i < 60; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') sb_printf(b, "\\x%02x", c);
    else sb_addn(b, (const char *)&s[i], 1);
  }
  sb_add(b, n > 60 ? "\"..." : "\"");
  if (n > 60) sb_printf(b, "(%zu bytes)", n);
}

static void describe(sbuf *b, const input *in) {
  sb_printf(b, "%s(%s", FN_NAME[in->fn], in->fn == F_NEW ? "" : in->null_client ? "NULL" : "c");
  for (int i = 0; i < nargs(in->fn); i++) {
    sb_add(b, i == 0 && in->fn == F_NEW ? "" : ", ");
    show(b, in->a[i]);
  }
  sb_add(b, in->null_out ? ", NULL" : ", &out");
  if (in->fn == F_CALL) sb_add(b, in->null_http ? ", NULL" : ", &http");
  sb_add(b, ")");
}

/* What an input must give: a status, the last error's kind, and its field (NULL: any non-null
 * field; "": not checked). */
typedef struct {
  phlo_status status;
  const char *kind;
  const char *field;
} outcome;

/* Why the observed result is not `want` (empty when it is). */
static void mismatch(sbuf *why, outcome want, phlo_status s, const char *text, const jv *e,
                     int touched) {
  if (s != want.status)
    sb_printf(why, "returned %s, want %s; ", phlo_status_name(s), phlo_status_name(want.status));
  if (want.status == PHLO_OK) {
    if (text != NULL) sb_add(why, "a last error after a success; ");
    return;
  }
  if (e == NULL) {
    sb_add(why, text ? "the last error is not JSON; " : "no last error; ");
    return;
  }
  const char *kind = jv_str(jv_get(e, "kind"));
  const char *sn = jv_str(jv_get(e, "status_name"));
  const char *field = jv_str(jv_get(e, "field"));
  const char *message = jv_str(jv_get(e, "message"));
  if (kind == NULL || strcmp(kind, want.kind) != 0)
    sb_printf(why, "kind %s, want %s; ", kind ? kind : "absent", want.kind);
  if (sn == NULL || strcmp(sn, phlo_status_name(s)) != 0)
    sb_printf(why, "status_name %s; ", sn ? sn : "absent");
  if (message == NULL || *message == '\0') sb_add(why, "no message; ");
  if (want.field != NULL && *want.field != '\0' &&
      (field == NULL || strcmp(field, want.field) != 0)) {
    sb_add(why, "field ");
    show(why, field);
    sb_printf(why, ", want %s; ", want.field);
  }
  if (want.field == NULL && field == NULL) sb_add(why, "no field; ");
  if (strcmp(want.kind, "invalid_argument") == 0 && jv_int(jv_get(e, "attempts"), -1) != 0)
    sb_add(why, "attempts is not 0; ");
  if (touched) sb_add(why, "an out-param was written; ");
}

/* The deviations this test found in its first runs (an unnamed user_agent_suffix field, an
 * empty proxy taken as none, a u64::MAX response cap that panicked, an empty user_agent_suffix
 * that claimed Rust, a misleading empty-auth_id message) are fixed in the core; they are plain
 * failures now. */
static size_t g_longest_error;      /* the longest last error seen, in bytes */
static char g_longest_note[128];    /* and the input that produced it */

/* Tries one input: it must give `want`, leave the out-params untouched, and (for failures) leave
 * a last error with the right kind, status_name, a message and the field. `note` says what the
 * input is, for the failure message. */
static void try_input(const input *in, phlo_status want, const char *want_kind,
                      const char *want_field, const char *note) {
  g_inputs++;
  g_group.tried++;
  int touched = 0;
  phlo_status s = invoke(in, &touched);
  char *text = phlo_last_error_json();
  jv *e = text ? jv_parse(text, NULL, 0) : NULL;
  if (text && strlen(text) > g_longest_error) {
    g_longest_error = strlen(text);
    snprintf(g_longest_note, sizeof g_longest_note, "%s", note);
  }
  sbuf why = {0};
  outcome w = {want, want_kind, want_field};
  mismatch(&why, w, s, text, e, touched);
  if (why.len > 0) {
    g_group.wrong++;
    sbuf d = {0};
    describe(&d, in);
    printf("    %s [%s]\n      %s\n", d.s, note, why.s);
    if (text) {
      sbuf t = {0};
      show(&t, text);
      printf("      last error: %s\n", t.s);
      free(t.s);
    }
    free(d.s);
  }
  free(why.s);
  jv_free(e);
  phlo_string_free(text);
}

/* An input rejected as an invalid argument naming `field`. */
static void try_invalid(const input *in, const char *field, const char *note) {
  try_input(in, PHLO_INVALID_ARGUMENT, "invalid_argument", field, note);
}

/* ---- the values ---- */

static const char *const BAD_UTF8[] = {
    "\xff",                 /* never valid */
    "ab\xc3\x28",           /* bad continuation byte */
    "\xc0\xaf",             /* overlong '/' */
    "\xed\xa0\x80",         /* a UTF-16 surrogate */
    "x\xe2\x82",            /* truncated sequence at the end */
    "\xf4\x90\x80\x80",     /* above U+10FFFF */
    "\x80",                 /* a lone continuation byte */
    "+1415222\xfe" "3333",  /* inside an otherwise good value */
};
#define N_BAD_UTF8 (sizeof BAD_UTF8 / sizeof *BAD_UTF8)

static const char *const MALFORMED_JSON[] = {
    "",
    " ",
    "{",
    "}",
    "{\"phlo_id\":}",
    "{\"phlo_id\" \"x\"}",
    "{'phlo_id':'x'}",
    "{phlo_id:\"x\"}",
    "{\"a\":1,}",
    "[1,]",
    "nul",
    "tru",
    "{\"a\":1} trailing",
    "{\"a\":1}{}",
    "\"unterminated",
    "{\"a\":\"\\uD800\"}",  /* a lone surrogate escape */
    "{\"a\":\"\\x41\"}",    /* not a JSON escape */
    "{\"a\":NaN}",
    "{\"a\":Infinity}",
    "{\"a\":01}",
    "{\"a\":1.}",
    "{\"a\":-}",
    "/* comment */ {}",
    "{\"a\":\"tab\there\"}", /* a raw control character in a string */
    "\xef\xbb\xbf{}",        /* a byte-order mark */
    "{\"a\":[1,2}",
    "{\"a\":{\"b\":1}",
};
#define N_MALFORMED (sizeof MALFORMED_JSON / sizeof *MALFORMED_JSON)

/* JSON values that are not objects. */
static const char *const NOT_OBJECTS[] = {"[]", "[{}]", "1", "-1.5", "\"{}\"", "true", "false",
                                          "null", "[\"phlo_id\"]"};
#define N_NOT_OBJECTS (sizeof NOT_OBJECTS / sizeof *NOT_OBJECTS)

/* JSON values that are not strings (a string parameter given one of them is mistyped). */
static const char *const NOT_STRINGS[] = {"1", "0", "-1", "1.5", "1e3", "true", "false", "[]",
                                          "[\"x\"]", "{}", "{\"a\":\"b\"}"};
#define N_NOT_STRINGS (sizeof NOT_STRINGS / sizeof *NOT_STRINGS)

/* Values one character over the limits (filled in by make_long_values): a 65-character id, a
 * 129-character SIP URI and a 129-character action, as JSON string literals. */
static char g_long_id[72], g_long_sip[136], g_long_action[136];

static void make_long_values(void) {
  char a[130];
  memset(a, 'a', sizeof a);
  snprintf(g_long_id, sizeof g_long_id, "\"%.65s\"", a);
  snprintf(g_long_sip, sizeof g_long_sip, "\"sip:%.113s@example.com\"", a); /* 4+113+12 */
  snprintf(g_long_action, sizeof g_long_action, "\"%.129s\"", a);
}

/* Invalid values of a string parameter, by the parameter's name (as JSON string literals). */
static const char *const BAD_IDS[] = {
    "\"\"", "\"a/b\"", "\"..\"", "\".\"", "\"a b\"", "\"a?b\"", "\"a#b\"", "\"a%2Fb\"",
    "\"\\u00e9\"", "\"a\\nb\"", "\"\\u0000\"", "\"a\\\\b\"", "\"a_b\"",
    g_long_id,
    NULL};
static const char *const BAD_ADDRESSES[] = {
    "\"\"", "\"nobody\"", "\"+1\"", "\"1234\"", "\"+1234567890123456\"", "\"++14152223333\"",
    "\"+1415 2223333\"", "\"sip:\"", "\"sip:@host\"", "\"sip:a@\"", "\"sip:a@b/c\"",
    "\"sip:a b@c\"", "\"sip:a@b@c\"", "\"sip:a@b?x\"", "\"tel:+14152223333\"",
    "\"+14152223333\\u0000\"", "\"+1415222333\\n\"",
    g_long_sip,
    NULL};
static const char *const BAD_ROLES[] = {"\"\"", "\"boss\"", "\"Agent\"", "\"agent \"",
                                        "\"agent\\u0000\"", NULL};
static const char *const BAD_NODE_TYPES[] = {"\"\"", "\"mpc\"", "\"Multi_Party_Call\"",
                                             "\"conference\"", "\"multi_party_call \"", NULL};
static const char *const BAD_ACTIONS[] = {
    "\"\"", "\"Hold\"", "\"hold!\"", "\"ho ld\"", "\"hold1\"", "\"hold\\n\"",
    g_long_action,
    NULL};
static const char *const BAD_METHODS[] = {"\"\"", "\"PATCH\"", "\"GETT\"", "\"OPTIONS\"",
                                          "\"HEAD\"", "\"G ET\"", NULL};
static const char *const BAD_PATHS[] = {
    "\"\"", "\"v1/phlo\"", "\"/v1/../x\"", "\"/v1/%2e%2e/x\"", "\"/v1/.%2E/x\"", "\"/v1/./x\"",
    "\"/v1/a b\"", "\"/v1/a\\\\b\"", "\"/v1/\\u00e9\"", "\"/v1/a#b\"", "\"/v1/a\\nb\"",
    "\"/v1/a\\u0000b\"", "\"http://evil.example/v1/phlo\"", "\"/\"", "\"/v2/phlo\"",
    "\"/v1\"", "\"/_sim/reset\"", "\"/_sim/faults\"", "\"//evil.example/v1/phlo\"", NULL};

static const char *const *bad_values(const char *param) {
  if (strcmp(param, "phlo_id") == 0 || strcmp(param, "node_id") == 0 ||
      strcmp(param, "run_id") == 0)
    return BAD_IDS;
  if (strcmp(param, "trigger_source") == 0 || strcmp(param, "to") == 0 ||
      strcmp(param, "member_id") == 0)
    return BAD_ADDRESSES;
  if (strcmp(param, "role") == 0) return BAD_ROLES;
  if (strcmp(param, "node_type") == 0) return BAD_NODE_TYPES;
  if (strcmp(param, "action") == 0) return BAD_ACTIONS;
  if (strcmp(param, "method") == 0) return BAD_METHODS;
  if (strcmp(param, "path") == 0) return BAD_PATHS;
  return NULL;
}

/* A good value for a parameter, as JSON; NULL for one this test does not know (a new
 * parameter: teach the test about it). */
static const char *good_value(const char *param) {
  static const char *const table[][2] = {
      {"phlo_id", "\"" PHLO_ID "\""},     {"node_id", "\"" MPC_NODE "\""},
      {"run_id", "\"" RUN_ID "\""},       {"node_type", "\"multi_party_call\""},
      {"trigger_source", "\"+14152223333\""}, {"to", "\"+14152225555\""},
      {"role", "\"agent\""},              {"member_id", "\"+14153336666\""},
      {"action", "\"hold\""},             {"payload", "{}"},
      {"method", "\"GET\""},              {"path", "\"/v1/phlo/" PHLO_ID "\""},
  };
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    if (strcmp(table[i][0], param) == 0) return table[i][1];
  return NULL;
}

/* ---- the operations table ---- */

typedef struct {
  char name[64];
  char params[8][32];
  int optional[8];
  int n;
} op_row;

static op_row g_ops[64];
static int g_nops;

static void load_operations(void) {
  jv *t = jv_parse(phlo_operations_json(), NULL, 0);
  for (size_t i = 0; i < jv_len(t) && g_nops < 64; i++) {
    const jv *row = jv_at(t, i);
    op_row *r = &g_ops[g_nops++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", jv_str(jv_get(row, "name")));
    for (int pass = 0; pass < 2; pass++) {
      const jv *list = jv_get(row, pass == 0 ? "params" : "optional");
      for (size_t k = 0; k < jv_len(list) && r->n < 8; k++) {
        snprintf(r->params[r->n], sizeof r->params[r->n], "%s", jv_str(jv_at(list, k)));
        r->optional[r->n++] = pass;
      }
    }
  }
  jv_free(t);
}

/* The params object of `op` with every parameter good, except `param` set to `value` (a JSON
 * text; NULL leaves it out), plus `extra` members (without braces, or NULL). For raw, `body` is
 * never set unless mutated. Returns NULL when a parameter has no known good value. */
static char *params_with(const op_row *op, const char *param, const char *value,
                         const char *extra) {
  sbuf b = {0};
  sb_add(&b, "{");
  int first = 1;
  for (int i = 0; i < op->n; i++) {
    const char *p = op->params[i];
    const char *v;
    if (param != NULL && strcmp(p, param) == 0) {
      v = value;
    } else if (strcmp(p, "body") == 0) {
      v = NULL;
    } else {
      v = good_value(p);
      if (v == NULL) {
        free(b.s);
        return NULL;
      }
    }
    if (v == NULL) continue;
    sb_printf(&b, "%s\"%s\":%s", first ? "" : ",", p, v);
    first = 0;
  }
  if (extra != NULL) sb_printf(&b, "%s%s", first ? "" : ",", extra);
  sb_add(&b, "}");
  return sb_take(&b);
}

static input call_input(const char *op, const char *params) {
  input in = valid_input(F_CALL);
  in.a[0] = op;
  in.a[1] = params;
  return in;
}

/* ---- the groups ---- */

static void null_pointers(void) {
  group_begin("NULL for each required pointer argument (PHLO_NULL_POINTER naming it)");
  for (int f = 0; f < F_COUNT; f++) {
    if (f != F_NEW) {
      input in = valid_input((enum fn)f);
      in.null_client = 1;
      try_input(&in, PHLO_NULL_POINTER, "invalid_argument", "client", "NULL client");
    }
    for (int i = 0; i < nargs((enum fn)f); i++) {
      if (ARG_OPTIONAL[f][i]) continue;
      input in = valid_input((enum fn)f);
      in.a[i] = NULL;
      try_input(&in, PHLO_NULL_POINTER, "invalid_argument", ARG_NAME[f][i], "NULL string");
    }
    input in = valid_input((enum fn)f);
    in.null_out = 1;
    try_input(&in, PHLO_NULL_POINTER, "invalid_argument",
              f == F_NEW ? "out_client" : "out_json", "NULL out-param");
    /* every pointer NULL at once: the first one checked is named */
    input all = valid_input((enum fn)f);
    all.null_client = all.null_out = all.null_http = 1;
    for (int i = 0; i < nargs((enum fn)f); i++) all.a[i] = NULL;
    try_input(&all, PHLO_NULL_POINTER, "invalid_argument",
              f == F_NEW ? "out_client" : "client", "every pointer NULL");
  }
  group_end();

  group_begin("NULL for each optional pointer argument (accepted; the next check decides)");
  {
    /* options_json NULL: a client (nothing is sent) */
    input in = valid_input(F_NEW);
    in.a[2] = NULL;
    try_input(&in, PHLO_OK, "", "", "NULL options_json");
    /* params_json NULL is {}: get_phlo then lacks its phlo_id */
    in = call_input("get_phlo", NULL);
    try_invalid(&in, "phlo_id", "NULL params_json is {}");
    /* out_http_status NULL: allowed, the bad id decides */
    in = call_input("get_phlo", "{\"phlo_id\":\"bad/id\"}");
    in.null_http = 1;
    try_invalid(&in, "phlo_id", "NULL out_http_status");
    /* a transfer's role NULL: allowed, the bad address decides */
    for (int f = F_WARM; f <= F_COLD; f++) {
      in = valid_input((enum fn)f);
      in.a[4] = NULL;
      in.a[3] = "nobody";
      try_invalid(&in, "to", "NULL role");
    }
    /* run_phlo's payload NULL: allowed, the bad id decides */
    in = valid_input(F_RUN);
    in.a[0] = "bad/id";
    in.a[1] = NULL;
    try_invalid(&in, "phlo_id", "NULL payload_json");
    /* credentials NULL with none in the environment: authentication */
    char *id = getenv("PLIVO_AUTH_ID") ? strdup(getenv("PLIVO_AUTH_ID")) : NULL;
    char *tok = getenv("PLIVO_AUTH_TOKEN") ? strdup(getenv("PLIVO_AUTH_TOKEN")) : NULL;
    unsetenv("PLIVO_AUTH_ID");
    unsetenv("PLIVO_AUTH_TOKEN");
    for (int which = 0; which < 3; which++) {
      in = valid_input(F_NEW);
      if (which != 1) in.a[0] = NULL;
      if (which != 0) in.a[1] = NULL;
      try_input(&in, PHLO_AUTHENTICATION, "authentication", "",
                "NULL credentials, none in the environment");
    }
    if (id) setenv("PLIVO_AUTH_ID", id, 1);
    if (tok) setenv("PLIVO_AUTH_TOKEN", tok, 1);
    free(id);
    free(tok);
  }
  group_end();

  /* the frees accept NULL */
  phlo_client_free(NULL);
  phlo_string_free(NULL);
  g_inputs += 2;
  CHECK("phlo_client_free(NULL) and phlo_string_free(NULL) do nothing", 1);
}

static void invalid_utf8(void) {
  group_begin("invalid UTF-8 in each string argument (PHLO_INVALID_UTF8 naming it)");
  for (int f = 0; f < F_COUNT; f++) {
    for (int i = 0; i < nargs((enum fn)f); i++) {
      for (size_t k = 0; k < N_BAD_UTF8; k++) {
        input in = valid_input((enum fn)f);
        in.a[i] = BAD_UTF8[k];
        try_input(&in, PHLO_INVALID_UTF8, "invalid_argument", ARG_NAME[f][i], "bad UTF-8");
      }
    }
  }
  /* inside a JSON string of each JSON argument */
  for (size_t k = 0; k < N_BAD_UTF8; k++) {
    char buf[128];
    snprintf(buf, sizeof buf, "{\"phlo_id\":\"%s\"}", BAD_UTF8[k]);
    input in = call_input("get_phlo", buf);
    try_input(&in, PHLO_INVALID_UTF8, "invalid_argument", "params_json", "bad UTF-8 in JSON");
    snprintf(buf, sizeof buf, "{\"from\":\"%s\"}", BAD_UTF8[k]);
    in = valid_input(F_RUN);
    in.a[1] = buf;
    try_input(&in, PHLO_INVALID_UTF8, "invalid_argument", "payload_json", "bad UTF-8 in JSON");
    snprintf(buf, sizeof buf, "{\"user_agent_suffix\":\"%s\"}", BAD_UTF8[k]);
    in = valid_input(F_NEW);
    in.a[2] = buf;
    try_input(&in, PHLO_INVALID_UTF8, "invalid_argument", "options_json", "bad UTF-8 in JSON");
  }
  group_end();
}

/* Empty strings, and huge ones (HUGE_LEN bytes, 8 MiB unless argv[1] says otherwise). */
static void empty_and_huge(void) {
  char *huge = malloc(HUGE_LEN + 1);
  memset(huge, 'a', HUGE_LEN);
  huge[HUGE_LEN] = '\0';
  char *huge_digits = malloc(HUGE_LEN + 2);
  huge_digits[0] = '+';
  memset(huge_digits + 1, '1', HUGE_LEN);
  huge_digits[HUGE_LEN + 1] = '\0';

  group_begin("an empty string in each string argument (PHLO_INVALID_ARGUMENT naming it)");
  for (int f = 0; f < F_COUNT; f++) {
    for (int i = 0; i < nargs((enum fn)f); i++) {
      input in = valid_input((enum fn)f);
      in.a[i] = "";
      if (f == F_NEW && i < 2) {
        /* an empty credential is no credential (and the environment is not read for it) */
        try_input(&in, PHLO_AUTHENTICATION, "authentication", "", "empty credential");
        continue;
      }
      try_invalid(&in, ARG_NAME[f][i], "empty string");
    }
  }
  group_end();

  char title[160];
  snprintf(title, sizeof title,
           "a huge string (%zu bytes) in each string argument and JSON text (PHLO_INVALID_ARGUMENT "
           "naming it)",
           HUGE_LEN);
  group_begin(title);
  for (int f = 0; f < F_COUNT; f++) {
    for (int i = 0; i < nargs((enum fn)f); i++) {
      if (f == F_NEW && i == 1) continue; /* the token: below */
      input in = valid_input((enum fn)f);
      in.a[i] = huge;
      try_invalid(&in, ARG_NAME[f][i], "a huge string of 'a'");
      const char *name = ARG_NAME[f][i];
      if (strcmp(name, "to") == 0 || strcmp(name, "trigger_source") == 0 ||
          strcmp(name, "member_id") == 0) {
        in.a[i] = huge_digits; /* looks like a phone number but for its length */
        try_invalid(&in, name, "huge phone number");
      }
    }
  }
  {
    /* tokens are capped at 512 characters (a file's contents given by mistake) */
    input in = valid_input(F_NEW);
    in.a[1] = huge;
    try_invalid(&in, "auth_token", "a huge auth_token");
    char token[514];
    memset(token, 'T', 513);
    token[513] = '\0';
    in.a[1] = token;
    try_invalid(&in, "auth_token", "a 513-character auth_token");
    token[512] = '\0';
    try_input(&in, PHLO_OK, "", "", "a 512-character auth_token (the longest accepted)");
  }
  /* huge JSON texts */
  sbuf b = {0};
  sb_add(&b, "{\"phlo_id\":\"");
  sb_addn(&b, huge, HUGE_LEN);
  sb_add(&b, "\"}");
  char *big_id = sb_take(&b);
  input in = call_input("get_phlo", big_id);
  try_invalid(&in, "phlo_id", "huge params_json: a huge phlo_id");
  sb_add(&b, "{\"phlo_id\":\"" PHLO_ID "\",\"note\":\"");
  sb_addn(&b, huge, HUGE_LEN);
  sb_add(&b, "\"}");
  char *big_extra = sb_take(&b);
  in = call_input("get_phlo", big_extra);
  try_invalid(&in, "note", "huge params_json: a huge unknown parameter");
  sb_add(&b, "{\"");
  sb_addn(&b, huge, HUGE_LEN);
  sb_add(&b, "\":1}");
  char *big_key = sb_take(&b);
  in = call_input("get_phlo", big_key);
  try_invalid(&in, NULL, "huge params_json: a huge key");
  in = valid_input(F_NEW);
  in.a[2] = big_key;
  try_invalid(&in, NULL, "huge options_json: a huge key");
  /* a million keys */
  for (int k = 0; b.len < HUGE_LEN; k++) sb_printf(&b, "%s\"k%d\":%d", k ? "," : "{", k, k);
  sb_add(&b, "}");
  char *many_keys = sb_take(&b);
  in = call_input("get_phlo", many_keys);
  try_invalid(&in, NULL, "huge params_json: many unknown keys");
  in = valid_input(F_NEW);
  in.a[2] = many_keys;
  try_invalid(&in, NULL, "huge options_json: many unknown keys");
  /* nested HUGE_LEN deep */
  sb_repeat(&b, '[', HUGE_LEN);
  char *deep = sb_take(&b);
  in = call_input("get_phlo", deep);
  try_invalid(&in, "params_json", "a huge run of '['");
  in = valid_input(F_RUN);
  in.a[1] = deep;
  try_invalid(&in, "payload_json", "a huge run of '['");
  in = valid_input(F_NEW);
  in.a[2] = deep;
  try_invalid(&in, "options_json", "a huge run of '['");
  sb_add(&b, "{\"phlo_id\":\"" PHLO_ID "\",\"x\":");
  for (int k = 0; k < 200; k++) sb_add(&b, "[");
  for (int k = 0; k < 200; k++) sb_add(&b, "]");
  sb_add(&b, "}");
  char *deep200 = sb_take(&b);
  in = call_input("get_phlo", deep200);
  try_invalid(&in, "", "an unknown parameter nested 200 deep");
  /* a huge payload: parsed, then the bad id stops it before the network */
  sb_add(&b, "{\"from\":\"");
  sb_addn(&b, huge, HUGE_LEN);
  sb_add(&b, "\"}");
  char *big_payload = sb_take(&b);
  in = valid_input(F_RUN);
  in.a[0] = "bad/id";
  in.a[1] = big_payload;
  try_invalid(&in, "phlo_id", "huge payload, bad phlo_id");
  /* the typed helpers' huge strings through the generic entry point too */
  sb_add(&b, "{\"phlo_id\":\"" PHLO_ID "\",\"node_id\":\"" MPC_NODE
             "\",\"trigger_source\":\"+14152223333\",\"to\":\"");
  sb_addn(&b, huge_digits, HUGE_LEN + 1);
  sb_add(&b, "\"}");
  char *big_to = sb_take(&b);
  in = call_input("mpc_cold_transfer", big_to);
  try_invalid(&in, "to", "huge phone number in params_json");
  /* a huge option value */
  sb_add(&b, "{\"timeout\":\"");
  sb_addn(&b, huge, HUGE_LEN);
  sb_add(&b, "\"}");
  char *big_option = sb_take(&b);
  in = valid_input(F_NEW);
  in.a[2] = big_option;
  try_invalid(&in, "timeout", "a huge string for timeout");
  sb_add(&b, "{\"timeout\":");
  sb_repeat(&b, '9', 4096);
  sb_add(&b, "}");
  char *big_number = sb_take(&b);
  in = valid_input(F_NEW);
  in.a[2] = big_number;
  /* valid JSON, but beyond every number type: the JSON text itself is refused */
  try_invalid(&in, "options_json", "a 4096-digit timeout");
  group_end();
  free(big_id);
  free(big_extra);
  free(big_key);
  free(many_keys);
  free(deep);
  free(deep200);
  free(big_payload);
  free(big_to);
  free(big_option);
  free(big_number);
  free(huge);
  free(huge_digits);
}

static void malformed_and_mistyped_json(void) {
  group_begin("malformed JSON in each JSON argument (PHLO_INVALID_ARGUMENT naming it)");
  for (size_t k = 0; k < N_MALFORMED; k++) {
    input in = call_input("get_phlo", MALFORMED_JSON[k]);
    try_invalid(&in, "params_json", "malformed JSON");
    in = valid_input(F_RUN);
    in.a[1] = MALFORMED_JSON[k];
    try_invalid(&in, "payload_json", "malformed JSON");
    in = valid_input(F_NEW);
    in.a[2] = MALFORMED_JSON[k];
    try_invalid(&in, "options_json", "malformed JSON");
  }
  group_end();

  group_begin("JSON of the wrong type at the top level (PHLO_INVALID_ARGUMENT naming it)");
  for (size_t k = 0; k < N_NOT_OBJECTS; k++) {
    input in = call_input("get_phlo", NOT_OBJECTS[k]);
    try_invalid(&in, "params_json", "not an object");
    in = valid_input(F_NEW);
    in.a[2] = NOT_OBJECTS[k];
    try_invalid(&in, "options_json", "not an object");
    if (strcmp(NOT_OBJECTS[k], "null") == 0) continue; /* a null payload is no payload */
    in = valid_input(F_RUN);
    in.a[1] = NOT_OBJECTS[k];
    try_invalid(&in, "payload", "a payload that is not an object");
  }
  /* a repeated key: the last one counts */
  input in = call_input("get_phlo", "{\"phlo_id\":\"" PHLO_ID "\",\"phlo_id\":\"bad/id\"}");
  try_invalid(&in, "phlo_id", "a repeated key, the last one bad");
  group_end();

  /* Every parameter of every operation, from the library's own table. */
  group_begin("every parameter of every operation: wrong JSON types, null, missing");
  int unknown_params = 0;
  for (int o = 0; o < g_nops; o++) {
    const op_row *op = &g_ops[o];
    for (int p = 0; p < op->n; p++) {
      const char *param = op->params[p];
      if (good_value(param) == NULL && strcmp(param, "body") != 0) {
        printf("    %s.%s: no good value known to this test\n", op->name, param);
        unknown_params++;
        continue;
      }
      for (size_t k = 0; k < N_NOT_STRINGS; k++) {
        const char *v = NOT_STRINGS[k];
        /* run_phlo's payload is an object; raw's body may be anything (but not with GET) */
        if (strcmp(param, "payload") == 0 && v[0] == '{') continue;
        char *params = params_with(op, param, v, NULL);
        input in = call_input(op->name, params);
        char note[256];
        snprintf(note, sizeof note, "%.60s.%.30s = %.40s", op->name, param, v);
        try_invalid(&in, param, note);
        free(params);
      }
      if (strcmp(param, "payload") == 0) {
        char *params = params_with(op, param, "\"{}\"", NULL);
        input in = call_input(op->name, params);
        try_invalid(&in, param, "run_phlo.payload = a string");
        free(params);
      }
      if (!op->optional[p]) {
        for (int missing = 0; missing < 2; missing++) {
          char *params = params_with(op, param, missing ? NULL : "null", NULL);
          input in = call_input(op->name, params);
          char note[256];
          snprintf(note, sizeof note, "%.60s.%.30s %s", op->name, param, missing ? "missing" : "null");
          try_invalid(&in, param, note);
          free(params);
        }
      }
    }
  }
  group_end();
  CHECK("every parameter in the operations table is known to this test", unknown_params == 0);

  group_begin("every string parameter of every operation: invalid values");
  for (int o = 0; o < g_nops; o++) {
    const op_row *op = &g_ops[o];
    for (int p = 0; p < op->n; p++) {
      const char *const *bad = bad_values(op->params[p]);
      for (int k = 0; bad != NULL && bad[k] != NULL; k++) {
        /* a member action's `action` on a fixed-action operation is not a parameter */
        char *params = params_with(op, op->params[p], bad[k], NULL);
        input in = call_input(op->name, params);
        char note[256];
        snprintf(note, sizeof note, "%.60s.%.30s = %.80s", op->name, op->params[p], bad[k]);
        try_invalid(&in, op->params[p], note);
        free(params);
      }
    }
  }
  /* raw: a GET carries no body, whatever its type */
  for (int o = 0; o < g_nops; o++) {
    if (strcmp(g_ops[o].name, "raw") != 0) continue;
    static const char *const bodies[] = {"{}", "[]", "1", "\"x\"", "true", "{\"action\":\"hold\"}"};
    for (size_t k = 0; k < sizeof bodies / sizeof *bodies; k++) {
      char *params = params_with(&g_ops[o], "body", bodies[k], NULL);
      input in = call_input("raw", params);
      try_invalid(&in, "body", "raw GET with a body");
      free(params);
    }
  }
  /* the typed helpers: invalid values of each argument */
  for (int f = F_MPC_CALL; f <= F_RUN; f++) {
    for (int i = 0; i < nargs((enum fn)f); i++) {
      if (strcmp(ARG_NAME[f][i], "payload_json") == 0) continue;
      const char *const *bad = bad_values(ARG_NAME[f][i]);
      for (int k = 0; bad != NULL && bad[k] != NULL; k++) {
        jv *v = jv_parse(bad[k], NULL, 0); /* the JSON literal, decoded */
        if (v == NULL || v->len != strlen(v->str)) { /* an embedded NUL cannot cross as C */
          jv_free(v);
          continue;
        }
        input in = valid_input((enum fn)f);
        in.a[i] = v->str;
        try_invalid(&in, ARG_NAME[f][i], "invalid value in a typed helper");
        jv_free(v);
      }
    }
  }
  group_end();
}

static void unknown_names(void) {
  group_begin("unknown operations (PHLO_INVALID_ARGUMENT naming operation)");
  static const char *const ops[] = {
      "teleport", "GET_PHLO", "Get_Phlo", "get_phlo ", " get_phlo", "get-phlo", "get_phlo\n",
      "getphlo", "raw2", "mpc_member_hold_all", "mpc", "member", "node", "get_phlo\t",
      "get_phlo;raw", "../get_phlo", "\xc3\xa9", "get_phlo\xc2\xa0", "0", "null", "{}"};
  for (size_t k = 0; k < sizeof ops / sizeof *ops; k++) {
    input in = call_input(ops[k], "{\"phlo_id\":\"" PHLO_ID "\"}");
    try_invalid(&in, "operation", "unknown operation");
  }
  group_end();

  group_begin("unknown parameters for every operation (PHLO_INVALID_ARGUMENT naming them)");
  static const char *const extras[][2] = {
      {"\"bogus\":1", "bogus"},
      {"\"PHLO_ID\":\"x\"", "PHLO_ID"},
      {"\"phlo_id \":\"x\"", "phlo_id "},
      {"\"\":\"x\"", ""},
      {"\"params\":{}", "params"},
      {"\"auth_token\":\"x\"", "auth_token"},
      {"\"headers\":{\"X\":\"y\"}", "headers"},
  };
  for (int o = 0; o < g_nops; o++) {
    for (size_t k = 0; k < sizeof extras / sizeof *extras; k++) {
      char *params = params_with(&g_ops[o], NULL, NULL, extras[k][0]);
      input in = call_input(g_ops[o].name, params);
      char note[256];
      snprintf(note, sizeof note, "%.60s + %.60s", g_ops[o].name, extras[k][0]);
      /* the empty key is named as ""; check only the kind for it */
      try_invalid(&in, extras[k][1][0] ? extras[k][1] : NULL, note);
      free(params);
    }
  }
  group_end();

  group_begin("phlo_client_new: unknown options, wrong types, invalid values, bad credentials");
  static const char *const unknown_options[][2] = {
      {"{\"timeout_ms\":5}", "timeout_ms"}, {"{\"TIMEOUT\":5}", "TIMEOUT"},
      {"{\"bogus\":null}", "bogus"},        {"{\"base_url \":\"x\"}", "base_url "},
      {"{\"auth_token\":\"x\"}", "auth_token"}, {"{\"retries\":1}", "retries"},
  };
  for (size_t k = 0; k < sizeof unknown_options / sizeof *unknown_options; k++) {
    input in = valid_input(F_NEW);
    in.a[2] = unknown_options[k][0];
    try_invalid(&in, unknown_options[k][1], "unknown option");
  }
  static const char *const string_options[] = {"base_url", "action_retry", "proxy",
                                               "ca_cert_pem", "user_agent_suffix"};
  static const char *const int_options[] = {"max_retries", "max_in_flight", "max_response_bytes"};
  static const char *const seconds_options[] = {"timeout", "connect_timeout"};
  for (size_t o = 0; o < sizeof string_options / sizeof *string_options; o++) {
    for (size_t k = 0; k < N_NOT_STRINGS; k++) {
      char buf[128];
      snprintf(buf, sizeof buf, "{\"%s\":%s}", string_options[o], NOT_STRINGS[k]);
      input in = valid_input(F_NEW);
      in.a[2] = buf;
      try_invalid(&in, string_options[o], "a string option of the wrong type");
    }
  }
  /* A number may also be written as a string, so "5" is a count; "5x" is not. */
  static const char *const not_uints[] = {"\"5x\"", "-1", "1.5", "1e3", "true", "[]", "{}",
                                          "[5]", "-0.0", "18446744073709551616"};
  static const char *const not_seconds[] = {"\"5x\"", "\"\"", "-1", "0", "-0.0", "true", "[]",
                                            "{}", "[5]", "1e300", "18446744073709551616"};
  for (size_t o = 0; o < sizeof seconds_options / sizeof *seconds_options; o++) {
    for (size_t k = 0; k < sizeof not_seconds / sizeof *not_seconds; k++) {
      char buf[128];
      snprintf(buf, sizeof buf, "{\"%s\":%s}", seconds_options[o], not_seconds[k]);
      input in = valid_input(F_NEW);
      in.a[2] = buf;
      try_invalid(&in, seconds_options[o], "a seconds option that is not a time");
    }
  }
  static const char *const not_bools[] = {"\"yes\"", "2", "-1", "0.5", "[]", "{}"};
  for (size_t k = 0; k < sizeof not_bools / sizeof *not_bools; k++) {
    char buf[128];
    snprintf(buf, sizeof buf, "{\"allow_insecure_http\":%s}", not_bools[k]);
    input in = valid_input(F_NEW);
    in.a[2] = buf;
    try_invalid(&in, "allow_insecure_http", "a flag option that is not true or false");
  }
  for (size_t o = 0; o < sizeof int_options / sizeof *int_options; o++) {
    for (size_t k = 0; k < sizeof not_uints / sizeof *not_uints; k++) {
      char buf[128];
      snprintf(buf, sizeof buf, "{\"%s\":%s}", int_options[o], not_uints[k]);
      input in = valid_input(F_NEW);
      in.a[2] = buf;
      try_invalid(&in, int_options[o], "an integer option of the wrong type");
    }
  }
  static const char *const bad_values_options[][2] = {
      {"{\"timeout\":0}", "timeout"},
      {"{\"connect_timeout\":0.0}", "connect_timeout"},
      {"{\"max_response_bytes\":0}", "max_response_bytes"},
      {"{\"max_in_flight\":0}", "max_in_flight"},
      {"{\"max_retries\":4294967296}", "max_retries"},
      {"{\"base_url\":\"http://192.0.2.1\"}", "base_url"},
      {"{\"action_retry\":\"sometimes\"}", "action_retry"},
      {"{\"action_retry\":\"\"}", "action_retry"},
      {"{\"action_retry\":\"NEVER\"}", "action_retry"},
      {"{\"base_url\":\"ftp://example.com\"}", "base_url"},
      {"{\"base_url\":\"not a url\"}", "base_url"},
      {"{\"base_url\":\"http://\"}", "base_url"},
      {"{\"base_url\":\"/relative\"}", "base_url"},
      {"{\"proxy\":\"not a url\"}", "proxy"},
      {"{\"ca_cert_pem\":\"not a certificate\"}", "ca_cert_pem"},
      {"{\"ca_cert_pem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}",
       "ca_cert_pem"},
  };
  for (size_t k = 0; k < sizeof bad_values_options / sizeof *bad_values_options; k++) {
    input in = valid_input(F_NEW);
    in.a[2] = bad_values_options[k][0];
    try_invalid(&in, bad_values_options[k][1], "an invalid option value");
  }
  /* the field is named after the option the caller wrote, user_agent_suffix included */
  static const char *const ua[] = {"{\"user_agent_suffix\":\"a\\nb\"}",
                                   "{\"user_agent_suffix\":\"a\\u0000b\"}",
                                   "{\"user_agent_suffix\":\"\\u007f\"}"};
  for (size_t k = 0; k < sizeof ua / sizeof *ua; k++) {
    input in = valid_input(F_NEW);
    in.a[2] = ua[k];
    try_invalid(&in, "user_agent_suffix", "a control character in user_agent_suffix");
  }
  /* base URLs the URL parser would trim or that are empty (fixed in bb6b2d0: "" used to select
   * the production host silently) */
  static const char *const bad_urls[] = {"{\"base_url\":\"\"}", "{\"base_url\":\" http://h\"}",
                                         "{\"base_url\":\"http://h\\n\"}",
                                         "{\"base_url\":\"http://h\\u0000\"}",
                                         "{\"base_url\":\"https://h/v1\"}",
                                         "{\"base_url\":\"http://u:p@h\"}",
                                         "{\"base_url\":\"http://h/?q=1\"}"};
  for (size_t k = 0; k < sizeof bad_urls / sizeof *bad_urls; k++) {
    input in = valid_input(F_NEW);
    in.a[2] = bad_urls[k];
    try_invalid(&in, "base_url", "a base_url that is empty or not what was meant");
  }
  /* an empty proxy is a mistake, not "no proxy" (the environment's would then apply) */
  {
    input in = valid_input(F_NEW);
    in.a[2] = "{\"proxy\":\"\"}";
    try_invalid(&in, "proxy", "an empty proxy URL");
  }
  /* control characters in the token */
  static const char *const bad_tokens[] = {"tok\nen", "tok\ren", "\ttoken", "token\x7f"};
  for (size_t k = 0; k < sizeof bad_tokens / sizeof *bad_tokens; k++) {
    input in = valid_input(F_NEW);
    in.a[1] = bad_tokens[k];
    try_invalid(&in, "auth_token", "a control character in the token");
  }
  static const char *const bad_ids[] = {"MA", "XXXXXXXXXXXXXXXXXXXX", "maxxxxxxxxxxxxxxxxxx",
                                        "MAXXXXXXXXXXXXXXXXX", "MAXXXXXXXXXXXXXXXXXXX",
                                        "MAXXXXXXXXX XXXXXXXX", "MAXXXXXXXXXXXXXXXXX\xc3\xa9"};
  for (size_t k = 0; k < sizeof bad_ids / sizeof *bad_ids; k++) {
    input in = valid_input(F_NEW);
    in.a[0] = bad_ids[k];
    try_invalid(&in, "auth_id", "a malformed auth id");
  }
  group_end();

  group_begin("phlo_status_name with numbers that are no status (\"unknown\")");
  static const int numbers[] = {-1, -2, -13, 13, 14, 99, 100, 255, 256, 65535, 65536,
                                INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1};
  for (size_t k = 0; k < sizeof numbers / sizeof *numbers; k++) {
    g_inputs++;
    g_group.tried++;
    const char *name = phlo_status_name((phlo_status)numbers[k]);
    if (name == NULL || strcmp(name, "unknown") != 0) {
      g_group.wrong++;
      printf("    phlo_status_name(%d) = %s\n", numbers[k], name ? name : "NULL");
    }
  }
  for (int k = 0; k <= PHLO_PANIC; k++) {
    g_inputs++;
    g_group.tried++;
    const char *name = phlo_status_name((phlo_status)k);
    if (name == NULL || strcmp(name, "unknown") == 0) {
      g_group.wrong++;
      printf("    phlo_status_name(%d) = %s\n", k, name ? name : "NULL");
    }
  }
  group_end();
}

/* Extreme but valid options: accepted, and a call with them works (these do reach the
 * simulator; they run after the "nothing was sent" check). */
static void extreme_options(void) {
  static const char *const extremes[] = {
      "\"timeout\":18446744073709551",
      "\"connect_timeout\":\"18446744073709551\"",
      "\"max_retries\":4294967295,\"action_retry\":\"never\"",
      "\"max_response_bytes\":18446744073709551615",
      "\"max_in_flight\":18446744073709551615",
      "\"timeout\":0.001,\"max_retries\":\"0\"",
      "\"allow_insecure_http\":true,\"max_in_flight\":1",
      "\"user_agent_suffix\":\"\"",
      "\"base_url\":null,\"proxy\":null,\"ca_cert_pem\":null",
  };
  int ok = 1;
  for (size_t k = 0; k < sizeof extremes / sizeof *extremes; k++) {
    char options[1024];
    snprintf(options, sizeof options, "{\"base_url\":\"%s\",%s}", sim_base_url(), extremes[k]);
    if (strstr(extremes[k], "\"base_url\":null") != NULL)
      snprintf(options, sizeof options, "{%s}", extremes[k]); /* PLIVO_PHLO_BASE_URL applies */
    phlo_client *c = NULL;
    phlo_status s = phlo_client_new(AUTH_ID, AUTH_TOKEN, options, &c);
    char *out = NULL;
    phlo_status s2 = s == PHLO_OK ? phlo_client_get_phlo(c, PHLO_ID, &out) : s;
    g_inputs++;
    /* a 1 ms timeout may time out; anything else must succeed */
    int fine = s == PHLO_OK &&
               (s2 == PHLO_OK || (strstr(extremes[k], "\"timeout\":0.001,") && s2 == PHLO_TIMEOUT));
    if (!fine) {
      printf("    {%s}: new %s, get_phlo %s\n", extremes[k], phlo_status_name(s),
             phlo_status_name(s2));
      print_last_error();
      ok = 0;
    }
    phlo_string_free(out);
    phlo_client_free(c);
  }
  CHECK("extreme but valid options (u64::MAX timeouts, retries, size cap) are accepted and work",
        ok);
}

/* Two details a C caller sees, checked against the documentation (they send one request, so
 * they run after the "nothing was sent" check). */
static void details(void) {
  /* An empty user_agent_suffix: the User-Agent of a C program must not claim Rust. */
  char options[512];
  snprintf(options, sizeof options, "{\"base_url\":\"%s\",\"user_agent_suffix\":\"\"}",
           sim_base_url());
  phlo_client *c = NULL;
  char *out = NULL;
  phlo_status s = phlo_client_new(AUTH_ID, AUTH_TOKEN, options, &c);
  if (s == PHLO_OK) s = phlo_client_get_phlo(c, PHLO_ID, &out);
  phlo_string_free(out);
  phlo_client_free(c);
  char *last = sim_last_request();
  char *ua = json_string(last, "user-agent");
  CHECK("an empty user_agent_suffix is accepted, and the request is made", s == PHLO_OK && ua);
  CHECK("with an empty user_agent_suffix a C client's User-Agent does not claim Rust",
        ua != NULL && !contains(ua, "Rust"));
  free(last);
  free(ua);

  /* An empty auth_id is no auth_id: PHLO_AUTHENTICATION, with a message that tells the truth
   * about the environment. */
  const char *env_id = getenv("PLIVO_AUTH_ID");
  int env_set = env_id != NULL && *env_id != '\0';
  s = phlo_client_new("", AUTH_TOKEN, options, &c);
  jv *e = last_error();
  const char *message = jv_str(jv_get(e, "message"));
  CHECK("an empty auth_id is PHLO_AUTHENTICATION (an empty credential is no credential)",
        s == PHLO_AUTHENTICATION && message != NULL);
  CHECK("the empty auth_id's message does not claim PLIVO_AUTH_ID is unset when it is set",
        !(env_set && contains(message, "PLIVO_AUTH_ID is not set")));
  jv_free(e);
}

/* One child process, with SIGPIPE's default action (as in any C program that does not change
 * it): a client with an 8 MiB User-Agent, which the simulator refuses (431) and closes on while
 * the client may still be writing. The child reports through a pipe ('0': a typed error,
 * bad_request or connection; '3': anything else), so that valgrind's own exit code in a child
 * does not matter. Returns 0 (typed error), 1 (killed by SIGPIPE) or 2 (anything else).
 * With `block`, SIGPIPE is blocked while phlo_client_new starts the library's I/O thread (which
 * inherits the mask), and restored right after. */
static int sigpipe_child(int block, const char *options, const char *payload) {
  int fds[2];
  if (pipe(fds) != 0) return 2;
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    close(fds[0]);
    signal(SIGPIPE, SIG_DFL);
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    if (block) pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    phlo_client *c = NULL;
    phlo_status s = phlo_client_new(AUTH_ID, AUTH_TOKEN, options, &c);
    if (block) pthread_sigmask(SIG_SETMASK, &old, NULL);
    char *out = NULL;
    if (s == PHLO_OK) s = phlo_client_run_phlo(c, PHLO_ID, payload, &out);
    phlo_string_free(out);
    phlo_client_free(c);
    char verdict = s == PHLO_BAD_REQUEST || s == PHLO_CONNECTION ? '0' : '3';
    if (write(fds[1], &verdict, 1) != 1) verdict = '3';
    _exit(0);
  }
  close(fds[1]);
  char verdict = 0;
  ssize_t got = read(fds[0], &verdict, 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) return 1;
  if (got == 1 && verdict == '0') return 0;
  printf("    (child: %s %d, verdict %c)\n", WIFSIGNALED(status) ? "signal" : "exit",
         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), got == 1 ? verdict : '-');
  return 2;
}

/* A connection the service closes mid-write must not kill the host program (the README promises
 * the client never crashes its host). Runs after the "nothing was sent" check: these requests are
 * sent. */
static void sigpipe(void) {
  enum { RUNS = 6 };
  /* Twelve clients each sending 8 MiB take a minute under valgrind: these checks are about
   * signals, not memory, and run in the native and ASan runs. */
  const char *preload = getenv("LD_PRELOAD");
  if (preload != NULL && strstr(preload, "vgpreload") != NULL) {
    printf("    (the SIGPIPE checks are skipped under valgrind; the ASan run makes them)\n");
    return;
  }
  /* A 17 MiB run payload: the simulator answers 413 and closes while the body is still being
   * written, which is what raises SIGPIPE in the writing thread. */
  sbuf o = {0}, p = {0};
  sb_printf(&o, "{\"base_url\":\"%s\",\"max_retries\":0}", sim_base_url());
  sb_add(&p, "{\"k\":\"");
  sb_repeat(&p, 'x', 17u << 20);
  sb_add(&p, "\"}");
  int killed = 0, untyped = 0, killed_blocked = 0, untyped_blocked = 0;
  for (int i = 0; i < RUNS; i++) {
    int r = sigpipe_child(0, o.s, p.s);
    killed += r == 1;
    untyped += r == 2;
    r = sigpipe_child(1, o.s, p.s);
    killed_blocked += r == 1;
    untyped_blocked += r == 2;
  }
  free(o.s);
  free(p.s);
  g_inputs += 2 * RUNS;
  char title[256];
  /* libphlo starts its I/O thread with SIGPIPE blocked (crates/phlo/src/transport.rs), so a C
   * program that keeps SIGPIPE's default action is never killed by it. */
  snprintf(title, sizeof title,
           "a connection closed mid-write: %d runs with SIGPIPE's default action, never killed "
           "(%d), each a typed error (bad_request or connection)",
           RUNS, killed);
  CHECK(title, killed == 0 && untyped == 0);
  snprintf(title, sizeof title,
           "... and with SIGPIPE blocked by the caller too: never killed, %d typed errors", RUNS);
  CHECK(title, killed_blocked == 0 && untyped_blocked == 0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 1) HUGE_LEN = (size_t)strtoul(argv[1], NULL, 10);
  printf("huge strings: %zu bytes\n", HUGE_LEN);
  make_long_values();
  snprintf(g_options, sizeof g_options, "{\"base_url\":\"%s\"}", sim_base_url());
  sim_reset();
  g_client = sim_client(NULL);
  load_operations();
  CHECK("phlo_operations_json lists operations", g_nops >= 23);

  null_pointers();
  invalid_utf8();
  empty_and_huge();
  malformed_and_mistyped_json();
  unknown_names();

  int total = sim_request_total();
  jv *log = sim_get_json("/_sim/requests");
  long long resets = jv_int(jv_get(log, "resets_before"), -1);
  jv_free(log);
  if (!CHECK("nothing reached the simulator (request total 0, no connection)",
             total == 0 && resets == 0))
    printf("    total %d, resets_before %lld\n", total, resets);
  char *out = NULL;
  phlo_status s = phlo_client_get_phlo(g_client, PHLO_ID, &out);
  phlo_string_free(out);
  CHECK("the handle still works after all of it", s == PHLO_OK);
  extreme_options();
  details();
  sigpipe();
  phlo_client_free(g_client);

  /* Unknown keys and operation names are echoed at most 64 bytes long, and the body quoted in
   * an error is bounded (2048 bytes): no input makes a last error of more than a few KiB. */
  CHECK("no last error is longer than 16 KiB, whatever the input's size",
        g_longest_error <= 16384);
  printf("bad input: %ld inputs tried; longest last error %zu bytes (%s)\n", g_inputs,
         g_longest_error, g_longest_note);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 && g_passed > 0 ? 0 : 1;
}
