// Prometheus text metrics: requests and latency by route and status, plus the queue's statistics.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "splicebert/inference_queue.hpp"

namespace splicebert::server {

class Metrics {
 public:
  void record(const std::string& route, int status, double seconds, int64_t tokens);
  // The exposition text (version 0.0.4), with the queue's numbers when a queue is given.
  std::string render(const QueueStats* queue) const;

 private:
  static const std::vector<double>& buckets();
  struct Route {
    std::map<int, uint64_t> by_status;
    std::vector<uint64_t> latency_buckets;  // cumulative counts are made when rendering
    double latency_sum = 0;
    uint64_t count = 0;
    int64_t tokens = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
};

}  // namespace splicebert::server
