/* The C ABI path: libphlo's typed cold transfer on one shared phlo_client handle. */
#include "bench.h"
#include "phlo.h"

static phlo_client *client;

static int thread_safe(void) { return 1; }

static int setup(const char *url) {
    char opts[512];
    snprintf(opts, sizeof opts, "{\"base_url\":\"%s\"}", url);
    phlo_status st = phlo_client_new(BENCH_AUTH_ID, BENCH_AUTH_TOKEN, opts, &client);
    if (st != PHLO_OK) {
        char *e = phlo_last_error_json();
        fprintf(stderr, "c-phlo: phlo_client_new: %s %s\n", phlo_status_name(st), e ? e : "");
        phlo_string_free(e);
        return 1;
    }
    return 0;
}

static int call(char *err, size_t errlen) {
    char *out = NULL;
    phlo_status st = phlo_client_mpc_cold_transfer(client, BENCH_PHLO, BENCH_NODE, "+14152223333",
                                                   "+14152225555", "agent", &out);
    if (st != PHLO_OK) {
        char *e = phlo_last_error_json();
        snprintf(err, errlen, "%s %s", phlo_status_name(st), e ? e : "");
        phlo_string_free(e);
        return 1;
    }
    phlo_string_free(out);
    return 0;
}

static void teardown(void) { phlo_client_free(client); }

int main(int argc, char **argv) { return bench_main("c-phlo", argc, argv); }
