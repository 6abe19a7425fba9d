/* Helpers of the C tests: see check.h. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"

int g_passed = 0, g_failed = 0;

int check_at(int cond, const char *name, const char *file, int line) {
  if (cond) {
    g_passed++;
    printf("PASSED: %s\n", name);
  } else {
    g_failed++;
    printf("FAILED: %s (%s:%d)\n", name, file, line);
  }
  fflush(stdout);
  return cond;
}

int contains(const char *haystack, const char *needle) {
  return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

int count_of(const char *haystack, const char *needle) {
  int n = 0;
  size_t len = strlen(needle);
  if (haystack == NULL || len == 0) return 0;
  for (const char *p = strstr(haystack, needle); p != NULL; p = strstr(p + len, needle)) n++;
  return n;
}

char *json_string(const char *json, const char *key) {
  char pattern[128];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *start = json ? strstr(json, pattern) : NULL;
  if (start == NULL) return NULL;
  start += strlen(pattern);
  const char *end = strchr(start, '"');
  if (end == NULL) return NULL;
  return strndup(start, (size_t)(end - start));
}

void print_last_error(void) {
  char *e = phlo_last_error_json();
  printf("    last error: %s\n", e ? e : "(none)");
  phlo_string_free(e);
}

int check_error_at(const char *name, phlo_status got, phlo_status want, const char *needle1,
                   const char *needle2, const char *file, int line) {
  char *e = phlo_last_error_json();
  int ok = got == want && e != NULL && (needle1 == NULL || contains(e, needle1)) &&
           (needle2 == NULL || contains(e, needle2)) &&
           contains(e, phlo_status_name(want));
  if (!ok) {
    printf("    got %s (%d), want %s; last error: %s\n", phlo_status_name(got), (int)got,
           phlo_status_name(want), e ? e : "(none)");
  }
  phlo_string_free(e);
  return check_at(ok, name, file, line);
}

/* ---- the simulator's control API over a plain socket ---- */

const char *sim_base_url(void) {
  const char *u = getenv("PLIVO_PHLO_BASE_URL");
  if (u == NULL || *u == '\0') {
    fprintf(stderr, "PLIVO_PHLO_BASE_URL is not set: run tests/suites/c.sh\n");
    exit(2);
  }
  return u;
}

/* Splits "http://host:port" into host and port. */
static void split_url(char *host, size_t hostlen, char *port, size_t portlen) {
  const char *u = sim_base_url();
  const char *h = strstr(u, "://");
  h = h ? h + 3 : u;
  const char *colon = strrchr(h, ':');
  size_t n = colon ? (size_t)(colon - h) : strlen(h);
  if (n >= hostlen) n = hostlen - 1;
  memcpy(host, h, n);
  host[n] = '\0';
  snprintf(port, portlen, "%s", colon ? colon + 1 : "80");
  char *slash = strchr(port, '/');
  if (slash) *slash = '\0';
}

char *sim_http(const char *method, const char *path, const char *body, int *status) {
  char host[256], port[16];
  split_url(host, sizeof host, port, sizeof port);
  *status = 0;
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0) return NULL;
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    if (fd >= 0) close(fd);
    freeaddrinfo(res);
    return NULL;
  }
  freeaddrinfo(res);
  size_t blen = body ? strlen(body) : 0;
  size_t reqcap = 512 + blen;
  char *req = malloc(reqcap);
  int n = snprintf(req, reqcap,
                   "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
                   "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                   method, path, host, port, blen, body ? body : "");
  for (size_t off = 0; off < (size_t)n;) {
    ssize_t w = write(fd, req + off, (size_t)n - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  free(req);
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (len + 1024 > cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = '\0';
  if (sscanf(buf, "HTTP/1.1 %d", status) != 1) *status = 0;
  char *start = strstr(buf, "\r\n\r\n");
  char *out = strdup(start ? start + 4 : "");
  free(buf);
  return out;
}

void sim_reset(void) {
  int status;
  free(sim_http("POST", "/_sim/reset", NULL, &status));
  if (status != 200) {
    fprintf(stderr, "could not reset the simulator (HTTP %d)\n", status);
    exit(2);
  }
}

int sim_fault(const char *fault_json) {
  int status;
  free(sim_http("POST", "/_sim/faults", fault_json, &status));
  return status == 200;
}

char *sim_node(const char *node_id) {
  char path[256];
  int status;
  snprintf(path, sizeof path, "/_sim/nodes/%s", node_id);
  return sim_http("GET", path, NULL, &status);
}

char *sim_state(void) {
  int status;
  return sim_http("GET", "/_sim/state", NULL, &status);
}

char *sim_requests(void) {
  int status;
  return sim_http("GET", "/_sim/requests", NULL, &status);
}

int sim_request_total(void) {
  char *log = sim_requests();
  const char *t = log ? strstr(log, "\"total\":") : NULL;
  int total = t ? atoi(t + strlen("\"total\":")) : -1;
  free(log);
  return total;
}

char *sim_last_request(void) {
  char *log = sim_requests();
  const char *last = NULL;
  for (const char *p = log ? strstr(log, "{\"seq\":") : NULL; p; p = strstr(p + 1, "{\"seq\":"))
    last = p;
  char *out = last ? strdup(last) : NULL;
  free(log);
  return out;
}

phlo_client *sim_client(const char *extra_options) {
  char options[1024];
  snprintf(options, sizeof options, "{\"base_url\":\"%s\"%s%s}", sim_base_url(),
           extra_options ? "," : "", extra_options ? extra_options : "");
  phlo_client *c = NULL;
  phlo_status s = phlo_client_new(AUTH_ID, AUTH_TOKEN, options, &c);
  if (s != PHLO_OK) {
    fprintf(stderr, "phlo_client_new failed: %s\n", phlo_status_name(s));
    print_last_error();
    exit(2);
  }
  return c;
}

jv *sim_get_json(const char *path) {
  int status;
  char *body = sim_http("GET", path, NULL, &status);
  jv *v = jv_parse(body, NULL, 0);
  free(body);
  return v;
}

char *sim_member_state(const char *node_id, const char *member) {
  char path[256];
  snprintf(path, sizeof path, "/_sim/nodes/%s", node_id);
  jv *node = sim_get_json(path);
  const char *state = jv_str(jv_get(jv_get(jv_get(node, "members"), member), "state"));
  char *out = state ? strdup(state) : NULL;
  jv_free(node);
  return out;
}

int closed_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 1;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  sbuf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sb_addn(&b, chunk, n);
  fclose(f);
  return sb_take(&b);
}

jv *last_error(void) {
  char *e = phlo_last_error_json();
  jv *v = e ? jv_parse(e, NULL, 0) : NULL;
  phlo_string_free(e);
  return v;
}
