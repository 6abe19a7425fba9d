/* The JSON reader and writer of the C tests: see json.h. */
#define _POSIX_C_SOURCE 200809L
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (q == NULL) {
    fprintf(stderr, "out of memory\n");
    abort();
  }
  return q;
}

/* ---- sbuf ---- */

static void sb_reserve(sbuf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->s = xrealloc(b->s, cap);
  b->cap = cap;
  b->s[b->len] = '\0';
}

void sb_addn(sbuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void sb_add(sbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }

void sb_printf(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  sb_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void sb_repeat(sbuf *b, char c, size_t n) {
  sb_reserve(b, n);
  memset(b->s + b->len, c, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sb_json_strn(sbuf *b, const char *s, size_t n) {
  sb_reserve(b, n + 2);
  sb_addn(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '"': sb_addn(b, "\\\"", 2); break;
      case '\\': sb_addn(b, "\\\\", 2); break;
      case '\n': sb_addn(b, "\\n", 2); break;
      case '\r': sb_addn(b, "\\r", 2); break;
      case '\t': sb_addn(b, "\\t", 2); break;
      default:
        if (c < 0x20) {
          sb_printf(b, "\\u%04x", c);
        } else {
          sb_addn(b, (const char *)&s[i], 1);
        }
    }
  }
  sb_addn(b, "\"", 1);
}

void sb_json_str(sbuf *b, const char *s) { sb_json_strn(b, s, strlen(s)); }

char *sb_take(sbuf *b) {
  char *s = b->s ? b->s : strdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

/* ---- parser ---- */

typedef struct {
  const char *p;
  const char *start;
  char *err;
  size_t errlen;
  int failed;
} parser;

static jv *fail(parser *ps, const char *why) {
  if (!ps->failed && ps->err != NULL && ps->errlen > 0)
    snprintf(ps->err, ps->errlen, "%s at offset %zu", why, (size_t)(ps->p - ps->start));
  ps->failed = 1;
  return NULL;
}

static void skip_ws(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static jv *new_value(jv_type t) {
  jv *v = calloc(1, sizeof *v);
  if (v == NULL) abort();
  v->type = t;
  return v;
}

static void push(jv *c, char *key, jv *item) {
  if (c->n == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 4;
    c->items = xrealloc(c->items, c->cap * sizeof *c->items);
    if (c->type == JV_OBJ) c->keys = xrealloc(c->keys, c->cap * sizeof *c->keys);
  }
  if (c->type == JV_OBJ) c->keys[c->n] = key;
  c->items[c->n++] = item;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static void put_utf8(sbuf *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) { u[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
  else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
  }
  sb_addn(b, u, n);
}

/* Parses a string at ps->p (on the opening quote) into a new buffer; NULL on error. */
static char *parse_string(parser *ps, size_t *len) {
  ps->p++; /* opening quote */
  sbuf b = {0};
  sb_reserve(&b, 16);
  for (;;) {
    const char *run = ps->p;
    while (*ps->p != '"' && *ps->p != '\\' && (unsigned char)*ps->p >= 0x20) ps->p++;
    if (ps->p > run) sb_addn(&b, run, (size_t)(ps->p - run));
    char c = *ps->p;
    if (c == '"') {
      ps->p++;
      *len = b.len;
      return sb_take(&b);
    }
    if (c == '\0' || (unsigned char)c < 0x20) {
      free(b.s);
      fail(ps, c == '\0' ? "unterminated string" : "control character in string");
      return NULL;
    }
    /* a backslash */
    ps->p++;
    char e = *ps->p++;
    switch (e) {
      case '"': sb_addn(&b, "\"", 1); break;
      case '\\': sb_addn(&b, "\\", 1); break;
      case '/': sb_addn(&b, "/", 1); break;
      case 'b': sb_addn(&b, "\b", 1); break;
      case 'f': sb_addn(&b, "\f", 1); break;
      case 'n': sb_addn(&b, "\n", 1); break;
      case 'r': sb_addn(&b, "\r", 1); break;
      case 't': sb_addn(&b, "\t", 1); break;
      case 'u': {
        unsigned cp, lo;
        if (!hex4(ps->p, &cp)) goto bad_escape;
        ps->p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (ps->p[0] != '\\' || ps->p[1] != 'u' || !hex4(ps->p + 2, &lo) || lo < 0xDC00 ||
              lo > 0xDFFF)
            goto bad_escape;
          ps->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          goto bad_escape;
        }
        put_utf8(&b, cp);
        break;
      }
      default:
        goto bad_escape;
    }
  }
bad_escape:
  free(b.s);
  fail(ps, "bad escape");
  return NULL;
}

static jv *parse_value(parser *ps, int depth);

static jv *parse_number(parser *ps) {
  const char *s = ps->p;
  int integral = 1;
  if (*ps->p == '-') ps->p++;
  if (*ps->p == '0') {
    ps->p++;
  } else if (*ps->p >= '1' && *ps->p <= '9') {
    while (*ps->p >= '0' && *ps->p <= '9') ps->p++;
  } else {
    return fail(ps, "bad number");
  }
  if (*ps->p == '.') {
    integral = 0;
    ps->p++;
    if (!(*ps->p >= '0' && *ps->p <= '9')) return fail(ps, "bad number");
    while (*ps->p >= '0' && *ps->p <= '9') ps->p++;
  }
  if (*ps->p == 'e' || *ps->p == 'E') {
    integral = 0;
    ps->p++;
    if (*ps->p == '+' || *ps->p == '-') ps->p++;
    if (!(*ps->p >= '0' && *ps->p <= '9')) return fail(ps, "bad number");
    while (*ps->p >= '0' && *ps->p <= '9') ps->p++;
  }
  char buf[64];
  size_t n = (size_t)(ps->p - s);
  if (n >= sizeof buf) n = sizeof buf - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  jv *v = new_value(JV_NUM);
  v->num = strtod(buf, NULL);
  if (integral) {
    errno = 0;
    long long i = strtoll(buf, NULL, 10);
    if (errno == 0) {
      v->is_int = 1;
      v->integer = i;
    }
  }
  return v;
}

static int literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if (strncmp(ps->p, word, n) != 0) return 0;
  ps->p += n;
  return 1;
}

static jv *parse_value(parser *ps, int depth) {
  if (depth > JV_MAX_DEPTH) return fail(ps, "nested too deeply");
  skip_ws(ps);
  char c = *ps->p;
  if (c == '{' || c == '[') {
    int obj = c == '{';
    jv *v = new_value(obj ? JV_OBJ : JV_ARR);
    ps->p++;
    skip_ws(ps);
    if (*ps->p == (obj ? '}' : ']')) {
      ps->p++;
      return v;
    }
    for (;;) {
      char *key = NULL;
      if (obj) {
        skip_ws(ps);
        if (*ps->p != '"') {
          jv_free(v);
          return fail(ps, "expected a key");
        }
        size_t klen;
        key = parse_string(ps, &klen);
        if (key == NULL) {
          jv_free(v);
          return NULL;
        }
        skip_ws(ps);
        if (*ps->p != ':') {
          free(key);
          jv_free(v);
          return fail(ps, "expected ':'");
        }
        ps->p++;
      }
      jv *item = parse_value(ps, depth + 1);
      if (item == NULL) {
        free(key);
        jv_free(v);
        return NULL;
      }
      push(v, key, item);
      skip_ws(ps);
      if (*ps->p == ',') {
        ps->p++;
        continue;
      }
      if (*ps->p == (obj ? '}' : ']')) {
        ps->p++;
        return v;
      }
      jv_free(v);
      return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  if (c == '"') {
    size_t len;
    char *s = parse_string(ps, &len);
    if (s == NULL) return NULL;
    jv *v = new_value(JV_STR);
    v->str = s;
    v->len = len;
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps);
  if (literal(ps, "true")) {
    jv *v = new_value(JV_BOOL);
    v->boolean = 1;
    return v;
  }
  if (literal(ps, "false")) return new_value(JV_BOOL);
  if (literal(ps, "null")) return new_value(JV_NULL);
  return fail(ps, c == '\0' ? "unexpected end" : "unexpected character");
}

jv *jv_parse(const char *text, char *err, size_t errlen) {
  if (err != NULL && errlen > 0) err[0] = '\0';
  if (text == NULL) {
    if (err != NULL && errlen > 0) snprintf(err, errlen, "no text");
    return NULL;
  }
  parser ps = {text, text, err, errlen, 0};
  jv *v = parse_value(&ps, 0);
  if (v == NULL) return NULL;
  skip_ws(&ps);
  if (*ps.p != '\0') {
    jv_free(v);
    return fail(&ps, "trailing characters");
  }
  return v;
}

void jv_free(jv *v) {
  if (v == NULL) return;
  for (size_t i = 0; i < v->n; i++) {
    jv_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

/* ---- access ---- */

const jv *jv_get(const jv *obj, const char *key) {
  if (obj == NULL || obj->type != JV_OBJ) return NULL;
  for (size_t i = obj->n; i-- > 0;)
    if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
  return NULL;
}

const jv *jv_at(const jv *arr, size_t i) {
  if (arr == NULL || (arr->type != JV_ARR && arr->type != JV_OBJ) || i >= arr->n) return NULL;
  return arr->items[i];
}

size_t jv_len(const jv *v) {
  return v != NULL && (v->type == JV_ARR || v->type == JV_OBJ) ? v->n : 0;
}

const char *jv_str(const jv *v) { return v != NULL && v->type == JV_STR ? v->str : NULL; }

int jv_is_null(const jv *v) { return v != NULL && v->type == JV_NULL; }

long long jv_int(const jv *v, long long dflt) {
  return v != NULL && v->type == JV_NUM && v->is_int ? v->integer : dflt;
}

int jv_bool(const jv *v, int dflt) { return v != NULL && v->type == JV_BOOL ? v->boolean : dflt; }

/* ---- writer ---- */

static void dump(sbuf *b, const jv *v) {
  switch (v->type) {
    case JV_NULL: sb_add(b, "null"); break;
    case JV_BOOL: sb_add(b, v->boolean ? "true" : "false"); break;
    case JV_NUM:
      if (v->is_int) sb_printf(b, "%lld", v->integer);
      else sb_printf(b, "%.17g", v->num);
      break;
    case JV_STR: sb_json_strn(b, v->str, v->len); break;
    case JV_ARR:
    case JV_OBJ:
      sb_add(b, v->type == JV_ARR ? "[" : "{");
      for (size_t i = 0; i < v->n; i++) {
        if (i) sb_add(b, ",");
        if (v->type == JV_OBJ) {
          sb_json_str(b, v->keys[i]);
          sb_add(b, ":");
        }
        dump(b, v->items[i]);
      }
      sb_add(b, v->type == JV_ARR ? "]" : "}");
      break;
  }
}

char *jv_dump(const jv *v) {
  sbuf b = {0};
  if (v == NULL) sb_add(&b, "null");
  else dump(&b, v);
  return sb_take(&b);
}
