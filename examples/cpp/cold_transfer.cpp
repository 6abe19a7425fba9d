// The cold transfer of examples/c/cold_transfer.c through the RAII wrapper in phlo.hpp:
// no manual frees, failures as exceptions carrying the last error's JSON.
//
// Credentials from PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN, the runner from PLIVO_PHLO_BASE_URL.
// Build: c++ -std=c++17 cold_transfer.cpp $(pkg-config --cflags --libs phlo) -o cold_transfer
#include <iostream>

#include <phlo.hpp>

int main() {
  try {
    phlo::Client client;  // credentials and base URL from the environment
    phlo::Response r = client.call("mpc_cold_transfer",
                                   R"({"phlo_id":"3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b",)"
                                   R"("node_id":"b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d",)"
                                   R"("trigger_source":"+14152223333","to":"+14152225555",)"
                                   R"("role":"agent"})");
    std::cout << "status: " << r.status << "\n" << r.body << "\n";
    return 0;
  } catch (const phlo::Error &e) {
    std::cerr << "mpc_cold_transfer failed: " << phlo_status_name(e.status()) << "\n"
              << e.json() << "\n";
    return 1;
  }
}
