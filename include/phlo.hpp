// A small RAII wrapper over libphlo for C++17: handles and strings released by
// std::unique_ptr deleters, failures thrown as phlo::Error carrying the last error's JSON.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include <phlo.h>

namespace phlo {

// Deleters: the library's one release function for each kind of memory it hands out.
struct ClientDeleter {
  void operator()(phlo_client *c) const noexcept { phlo_client_free(c); }
};
struct StringDeleter {
  void operator()(char *s) const noexcept { phlo_string_free(s); }
};
using ClientPtr = std::unique_ptr<phlo_client, ClientDeleter>;
using StringPtr = std::unique_ptr<char, StringDeleter>;

// A failed call: the status, and the last error as JSON (kind, message, status, api_id, field...).
class Error : public std::runtime_error {
 public:
  Error(phlo_status status, std::string json)
      : std::runtime_error(std::string(phlo_status_name(status)) + ": " + json),
        status_(status),
        json_(std::move(json)) {}
  phlo_status status() const noexcept { return status_; }
  const std::string &json() const noexcept { return json_; }

 private:
  phlo_status status_;
  std::string json_;
};

// Throws phlo::Error when `s` is not PHLO_OK (reads this thread's last error).
inline void check(phlo_status s) {
  if (s == PHLO_OK) return;
  StringPtr error(phlo_last_error_json());
  throw Error(s, error ? error.get() : "{}");
}

// A response: the HTTP status and the body (a JSON object, as the service sent it).
struct Response {
  std::uint16_t status;
  std::string body;
};

// A client; movable, not copyable. One client may be used from many threads at once.
class Client {
 public:
  // Empty strings mean "from the environment" (PLIVO_AUTH_ID / PLIVO_AUTH_TOKEN) and "no options".
  explicit Client(const std::string &auth_id = "", const std::string &auth_token = "",
                  const std::string &options_json = "") {
    phlo_client *raw = nullptr;
    check(phlo_client_new(auth_id.empty() ? nullptr : auth_id.c_str(),
                          auth_token.empty() ? nullptr : auth_token.c_str(),
                          options_json.empty() ? nullptr : options_json.c_str(), &raw));
    client_.reset(raw);
  }

  // Runs any operation of phlo_operations_json() with a JSON object of parameters.
  Response call(const std::string &operation, const std::string &params_json) const {
    char *body = nullptr;
    std::uint16_t status = 0;
    check(phlo_client_call(client_.get(), operation.c_str(), params_json.c_str(), &body, &status));
    StringPtr owned(body);
    return Response{status, owned.get()};
  }

  // Blind transfer; role "" means the default ("agent"). Returns the response body.
  std::string mpc_cold_transfer(const std::string &phlo_id, const std::string &node_id,
                                const std::string &trigger_source, const std::string &to,
                                const std::string &role = "") const {
    char *body = nullptr;
    check(phlo_client_mpc_cold_transfer(client_.get(), phlo_id.c_str(), node_id.c_str(),
                                        trigger_source.c_str(), to.c_str(),
                                        role.empty() ? nullptr : role.c_str(), &body));
    return StringPtr(body).get();
  }

 private:
  ClientPtr client_;
};

}  // namespace phlo
