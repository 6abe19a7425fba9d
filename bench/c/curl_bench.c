/* The C peer: libcurl, the same headers and body bytes, one easy handle per calling thread, made at
 * the thread's first call and reused for every later one (keep-alive). A libcurl handle must not be
 * used by two threads at once, so threads share nothing but the global init. */
#include "bench.h"
#include <curl/curl.h>

/* The calling thread's handle and answer buffer. */
struct conn {
    CURL *h;
    char *resp;
    size_t resp_len, resp_cap;
    struct conn *next;
};

static _Thread_local struct conn *mine;
static char full_url[512];
static struct curl_slist *headers;
/* Every handle made, freed by teardown() once the timed calls are over. */
static struct conn *all;
static pthread_mutex_t all_lock = PTHREAD_MUTEX_INITIALIZER;

static int thread_safe(void) { return 1; }

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    struct conn *c = ud;
    size_t len = size * n;
    if (c->resp_len + len + 1 > c->resp_cap) {
        size_t cap = (c->resp_len + len + 1) * 2;
        char *grown = realloc(c->resp, cap);
        if (!grown) return 0; /* libcurl reports a write error */
        c->resp = grown;
        c->resp_cap = cap;
    }
    memcpy(c->resp + c->resp_len, p, len);
    c->resp_len += len;
    c->resp[c->resp_len] = 0;
    return len;
}

static struct conn *conn_new(void) {
    struct conn *c = calloc(1, sizeof *c);
    if (!c || !(c->h = curl_easy_init())) {
        free(c);
        return NULL;
    }
    CURL *h = c->h;
    curl_easy_setopt(h, CURLOPT_URL, full_url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, BENCH_AUTH_ID ":" BENCH_AUTH_TOKEN);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "phlo-bench/0.1.0");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, BENCH_BODY);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    pthread_mutex_lock(&all_lock);
    c->next = all;
    all = c;
    pthread_mutex_unlock(&all_lock);
    return c;
}

static int setup(const char *url) {
    snprintf(full_url, sizeof full_url, "%s/v1/phlo/%s/multi_party_call/%s", url, BENCH_PHLO, BENCH_NODE);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "c-curl: curl_global_init failed\n");
        return 1;
    }
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    return 0;
}

static int call(char *err, size_t errlen) {
    if (!mine && !(mine = conn_new())) {
        snprintf(err, errlen, "curl_easy_init failed");
        return 1;
    }
    mine->resp_len = 0;
    CURLcode rc = curl_easy_perform(mine->h);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "curl: %s", curl_easy_strerror(rc));
        return 1;
    }
    long code = 0;
    curl_easy_getinfo(mine->h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        snprintf(err, errlen, "HTTP %ld", code);
        return 1;
    }
    return 0;
}

static void teardown(void) {
    while (all) {
        struct conn *c = all;
        all = c->next;
        curl_easy_cleanup(c->h);
        free(c->resp);
        free(c);
    }
    curl_slist_free_all(headers);
    curl_global_cleanup();
}

int main(int argc, char **argv) { return bench_main("c-curl", argc, argv); }
