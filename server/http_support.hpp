// Plumbing shared by the route handlers: errors with an HTTP status, JSON bodies read field by field with a
// one-line reason for what is wrong, waiting on a queue job under the request's deadline while watching the client.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "context.hpp"

namespace splicebert::server {

using json = nlohmann::ordered_json;

// An error the client caused or must see, with its status (400, 401, 404, 409, 413, 422, 429, 503, 504).
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

// The request body as a JSON object (400 when it does not parse, 422 when it is not an object).
json parse_body(const httplib::Request& req);
// Field readers: a missing optional field gives the fallback; a wrong type is a 422 naming the field.
std::string string_field(const json& body, const std::string& name, std::optional<std::string> fallback = {});
bool bool_field(const json& body, const std::string& name, bool fallback);
int64_t int_field(const json& body, const std::string& name, int64_t fallback, int64_t min, int64_t max);
// A string or a list of strings (OpenAI's `input`), at most `max_items`, each at most `max_length` characters.
std::vector<std::string> string_or_list(const json& body, const std::string& name, size_t max_items,
                                        size_t max_length);

// A JSON response.
void send_json(httplib::Response& res, const json& body, int status = 200);
void send_error(httplib::Response& res, int status, const std::string& message);

// Runs `handler` and turns every exception into the right status and a one-line JSON error.
void guarded(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
             const std::function<void()>& handler);

// The deadline of a request that arrived now, and a JobControl that drops the job when the client has gone.
struct RequestWatch {
  RequestWatch(const ServerContext& ctx, const httplib::Request& req);
  JobControl control() const;
  // Waits for `future` until the deadline (504) or until the client disconnects (499, nobody reads it).
  template <class T>
  T wait(std::future<T>& future) const {
    wait_ready([&](std::chrono::milliseconds d) { return future.wait_for(d) == std::future_status::ready; });
    return future.get();
  }
  bool client_gone() const;
  std::chrono::steady_clock::time_point deadline;

 private:
  void wait_ready(const std::function<bool(std::chrono::milliseconds)>& ready) const;
  int socket_ = -1;  // the connection's socket, found by its addresses (cpp-httplib 0.11 does not expose it)
  std::shared_ptr<std::atomic<bool>> abandoned_ = std::make_shared<std::atomic<bool>>(false);
};

// Tokens of a request, reported to the access log and metrics through a response header.
void note_tokens(httplib::Response& res, int64_t tokens);

}  // namespace splicebert::server
