#include "http_support.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "splicebert/error.hpp"

namespace splicebert::server {

json parse_body(const httplib::Request& req) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {
    // parse_error, and out_of_range for a number past double's range (1e400): both mean the body is not JSON we can
    // read. (Found by fuzz_server_request: 1e400 escaped as a 422 "bad field" instead of this 400.)
    throw ApiError(400, std::string("the body is not JSON: ") + e.what());
  }
  if (!body.is_object()) throw ApiError(422, "the body must be a JSON object");
  return body;
}

std::string string_field(const json& body, const std::string& name, std::optional<std::string> fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw ApiError(422, "'" + name + "' is required");
  }
  if (!it->is_string()) throw ApiError(422, "'" + name + "' must be a string");
  return it->get<std::string>();
}

bool bool_field(const json& body, const std::string& name, bool fallback) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) throw ApiError(422, "'" + name + "' must be true or false");
  return it->get<bool>();
}

int64_t int_field(const json& body, const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) throw ApiError(422, "'" + name + "' must be a whole number");
  const int64_t value = it->get<int64_t>();
  if (value < min || value > max)
    throw ApiError(422, "'" + name + "' must be between " + std::to_string(min) + " and " + std::to_string(max));
  return value;
}

std::vector<std::string> string_or_list(const json& body, const std::string& name, size_t max_items,
                                        size_t max_length) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) throw ApiError(422, "'" + name + "' is required");
  std::vector<std::string> out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    if (it->size() > max_items)
      throw ApiError(422, "'" + name + "' holds " + std::to_string(it->size()) + " items; at most " +
                              std::to_string(max_items) + " per request");
    for (const auto& item : *it) {
      if (!item.is_string()) throw ApiError(422, "'" + name + "' must be a string or a list of strings");
      out.push_back(item.get<std::string>());
    }
  } else {
    throw ApiError(422, "'" + name + "' must be a string or a list of strings");
  }
  if (out.empty()) throw ApiError(422, "'" + name + "' is empty");
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) throw ApiError(422, "'" + name + "' item " + std::to_string(i) + " is empty");
    if (out[i].size() > max_length)
      throw ApiError(422, "'" + name + "' item " + std::to_string(i) + " is longer than " +
                              std::to_string(max_length) + " characters");
  }
  return out;
}

void send_json(httplib::Response& res, const json& body, int status) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  // One line: the reason as the library or the validation gave it, newlines folded.
  std::string line = message;
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  send_json(res, json{{"error", {{"status", status}, {"message", line}}}}, status);
}

void guarded(ServerContext& ctx, const httplib::Request&, httplib::Response& res, const std::function<void()>& handler) {
  try {
    if (!ctx.ready) throw ApiError(503, ctx.load_error.empty() ? "the model is loading" : ctx.load_error);
    handler();
  } catch (const ApiError& e) {
    if (e.status == 429 || e.status == 503) res.set_header("Retry-After", "1");
    send_error(res, e.status, e.what());
  } catch (const QueueFull& e) {
    res.set_header("Retry-After", "1");
    send_error(res, 429, e.what());
  } catch (const DeadlineExceeded& e) {
    send_error(res, 504, e.what());
  } catch (const JobCancelled& e) {
    send_error(res, 499, e.what());
  } catch (const Error& e) {
    send_error(res, 422, e.what());  // the library's one-line reason for bad input
  } catch (const json::exception& e) {
    send_error(res, 422, std::string("bad field: ") + e.what());
  } catch (const std::bad_alloc&) {
    send_error(res, 503, "out of memory");
  } catch (const std::exception& e) {
    send_error(res, 500, std::string("internal error: ") + e.what());
  }
}

namespace {

// The connection socket whose local and peer ports are those of the request (-1 when not found).
int find_connection_socket(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || fd < 0) continue;
    sockaddr_storage peer{}, local{};
    socklen_t peer_len = sizeof(peer), local_len = sizeof(local);
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    auto port = [](const sockaddr_storage& a) {
      if (a.ss_family == AF_INET) return static_cast<int>(ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port));
      if (a.ss_family == AF_INET6) return static_cast<int>(ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port));
      return -1;
    };
    if (port(peer) == req.remote_port && port(local) == req.local_port) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

bool socket_closed_by_peer(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace

RequestWatch::RequestWatch(const ServerContext& ctx, const httplib::Request& req)
    : deadline(std::chrono::steady_clock::now() +
               std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                   std::chrono::duration<double>(ctx.options.timeout_s))),
      socket_(find_connection_socket(req)) {}

bool RequestWatch::client_gone() const { return socket_closed_by_peer(socket_); }

JobControl RequestWatch::control() const {
  JobControl c;
  c.deadline = deadline;
  auto abandoned = abandoned_;
  const int fd = socket_;
  c.cancelled = [abandoned, fd] { return abandoned->load() || socket_closed_by_peer(fd); };
  return c;
}

void RequestWatch::wait_ready(const std::function<bool(std::chrono::milliseconds)>& ready) const {
  for (;;) {
    // Slices of at most 20 ms (to notice a client that hung up), never past the deadline.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (ready(std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(20)))) return;
    if (std::chrono::steady_clock::now() > deadline) {
      abandoned_->store(true);
      throw ApiError(504, "the request passed its deadline (the server's --timeout-s)");
    }
    if (client_gone()) {
      abandoned_->store(true);
      throw ApiError(499, "the client closed the connection");
    }
  }
}

void note_tokens(httplib::Response& res, int64_t tokens) { res.set_header("X-Tokens", std::to_string(tokens)); }

}  // namespace splicebert::server
