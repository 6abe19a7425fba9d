/* The C peer: libcurl on one reused easy handle (keep-alive), the same headers and body bytes. */
#include "bench.h"
#include <curl/curl.h>

static CURL *h;
static struct curl_slist *headers;
static char *resp;
static size_t resp_len, resp_cap;

static int thread_safe(void) { return 0; }

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
    (void)ud;
    size_t len = size * n;
    if (resp_len + len + 1 > resp_cap) {
        resp_cap = (resp_len + len + 1) * 2;
        resp = realloc(resp, resp_cap);
    }
    memcpy(resp + resp_len, p, len);
    resp_len += len;
    resp[resp_len] = 0;
    return len;
}

static int setup(const char *url) {
    static char full[512];
    snprintf(full, sizeof full, "%s/v1/phlo/%s/multi_party_call/%s", url, BENCH_PHLO, BENCH_NODE);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h = curl_easy_init();
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, full);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, BENCH_AUTH_ID ":" BENCH_AUTH_TOKEN);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "phlo-bench/0.1.0");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, BENCH_BODY);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    return 0;
}

static int call(char *err, size_t errlen) {
    resp_len = 0;
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "curl: %s", curl_easy_strerror(rc));
        return 1;
    }
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code > 299) {
        snprintf(err, errlen, "HTTP %ld", code);
        return 1;
    }
    return 0;
}

static void teardown(void) {
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    free(resp);
}

int main(int argc, char **argv) { return bench_main("c-curl", argc, argv); }
