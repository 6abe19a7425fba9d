/* A small JSON reader and writer for the C tests (no library needed): a DOM parser (RFC 8259,
 * strict: no trailing commas, comments, NaN or leading zeros; \u escapes and surrogate pairs
 * decoded to UTF-8; nesting limited to JV_MAX_DEPTH), a compact serialiser, and a growable string
 * buffer with a JSON string escaper.
 *
 * Written for this project's tests (public domain / MIT, like the rest of tests/c). */
#ifndef PHLO_TEST_JSON_H
#define PHLO_TEST_JSON_H

#include <stddef.h>

#define JV_MAX_DEPTH 256

typedef enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type;

typedef struct jv jv;
struct jv {
  jv_type type;
  int boolean;        /* JV_BOOL */
  double num;         /* JV_NUM */
  int is_int;         /* JV_NUM written without fraction or exponent, fits a long long */
  long long integer;  /* JV_NUM when is_int */
  char *str;          /* JV_STR: UTF-8, NUL-terminated (may also contain NUL: see len) */
  size_t len;         /* JV_STR: bytes */
  size_t n, cap;      /* JV_ARR / JV_OBJ: members */
  jv **items;         /* JV_ARR / JV_OBJ: values */
  char **keys;        /* JV_OBJ: keys */
};

/* Parses `text` (the whole of it: trailing garbage is an error). NULL on error, with a reason in
 * `err` (when non-NULL). Free the result with jv_free. */
jv *jv_parse(const char *text, char *err, size_t errlen);
void jv_free(jv *v);

/* Member `key` of an object (the last one when repeated); NULL when `obj` is NULL, not an object,
 * or has no such key. */
const jv *jv_get(const jv *obj, const char *key);
/* Element `i` of an array or object value; NULL when out of range. */
const jv *jv_at(const jv *arr, size_t i);
/* Elements of an array or members of an object; 0 for anything else. */
size_t jv_len(const jv *v);
/* The string, or NULL when `v` is NULL or not a string. */
const char *jv_str(const jv *v);
/* True when `v` is present and null. */
int jv_is_null(const jv *v);
/* The integer, or `dflt` when `v` is not an integral number. */
long long jv_int(const jv *v, long long dflt);
/* The boolean, or `dflt` when `v` is not a boolean. */
int jv_bool(const jv *v, int dflt);
/* Compact JSON text of `v` (malloc'd). */
char *jv_dump(const jv *v);

/* ---- a growable string ---- */
typedef struct {
  char *s;
  size_t len, cap;
} sbuf;
void sb_addn(sbuf *b, const char *s, size_t n);
void sb_add(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends `s` as a quoted, escaped JSON string. */
void sb_json_str(sbuf *b, const char *s);
/* Appends `c` `n` times. */
void sb_repeat(sbuf *b, char c, size_t n);
/* The text (never NULL: "" for an empty buffer); ownership passes to the caller. */
char *sb_take(sbuf *b);

#endif
