#include "metrics.hpp"

#include <sstream>

namespace splicebert::server {

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> b{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return b;
}

void Metrics::record(const std::string& route, int status, double seconds, int64_t tokens) {
  std::lock_guard lock(mutex_);
  Route& r = routes_[route];
  if (r.latency_buckets.empty()) r.latency_buckets.assign(buckets().size(), 0);
  ++r.by_status[status];
  ++r.count;
  r.latency_sum += seconds;
  r.tokens += tokens;
  for (size_t i = 0; i < buckets().size(); ++i)
    if (seconds <= buckets()[i]) {
      ++r.latency_buckets[i];
      break;
    }
}

std::string Metrics::render(const QueueStats* queue) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP splicebert_requests_total HTTP requests by route and status.\n"
      << "# TYPE splicebert_requests_total counter\n";
  for (const auto& [route, r] : routes_)
    for (const auto& [status, n] : r.by_status)
      out << "splicebert_requests_total{route=\"" << route << "\",status=\"" << status << "\"} " << n << "\n";
  out << "# HELP splicebert_request_errors_total HTTP responses with status 400 or above, by route and status.\n"
      << "# TYPE splicebert_request_errors_total counter\n";
  for (const auto& [route, r] : routes_)
    for (const auto& [status, n] : r.by_status)
      if (status >= 400)
        out << "splicebert_request_errors_total{route=\"" << route << "\",status=\"" << status << "\"} " << n << "\n";
  out << "# HELP splicebert_request_tokens_total Tokens in requests by route.\n"
      << "# TYPE splicebert_request_tokens_total counter\n";
  for (const auto& [route, r] : routes_)
    out << "splicebert_request_tokens_total{route=\"" << route << "\"} " << r.tokens << "\n";
  out << "# HELP splicebert_request_duration_seconds Request latency by route.\n"
      << "# TYPE splicebert_request_duration_seconds histogram\n";
  for (const auto& [route, r] : routes_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < buckets().size(); ++i) {
      cumulative += r.latency_buckets[i];
      out << "splicebert_request_duration_seconds_bucket{route=\"" << route << "\",le=\"" << buckets()[i] << "\"} "
          << cumulative << "\n";
    }
    out << "splicebert_request_duration_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} " << r.count << "\n"
        << "splicebert_request_duration_seconds_sum{route=\"" << route << "\"} " << r.latency_sum << "\n"
        << "splicebert_request_duration_seconds_count{route=\"" << route << "\"} " << r.count << "\n";
  }
  if (queue) {
    out << "# HELP splicebert_queue_depth Jobs waiting for the model.\n# TYPE splicebert_queue_depth gauge\n"
        << "splicebert_queue_depth " << queue->depth << "\n"
        << "# HELP splicebert_batches_total Batches the model ran.\n# TYPE splicebert_batches_total counter\n"
        << "splicebert_batches_total " << queue->batches << "\n"
        << "# HELP splicebert_jobs_total Jobs completed or dropped.\n# TYPE splicebert_jobs_total counter\n"
        << "splicebert_jobs_total " << queue->jobs << "\n"
        << "# HELP splicebert_jobs_dropped_total Jobs dropped (deadline passed or client gone).\n"
        << "# TYPE splicebert_jobs_dropped_total counter\nsplicebert_jobs_dropped_total " << queue->dropped << "\n"
        << "# HELP splicebert_tokens_total Tokens the model processed.\n# TYPE splicebert_tokens_total counter\n"
        << "splicebert_tokens_total " << queue->tokens << "\n"
        << "# HELP splicebert_tokens_per_second Tokens per second of model busy time.\n"
        << "# TYPE splicebert_tokens_per_second gauge\nsplicebert_tokens_per_second "
        << (queue->busy_seconds > 0 ? static_cast<double>(queue->tokens) / queue->busy_seconds : 0.0) << "\n"
        << "# HELP splicebert_batch_jobs Jobs per batch.\n# TYPE splicebert_batch_jobs histogram\n";
    uint64_t cumulative = 0, total_jobs = 0;
    for (size_t i = 0; i < queue->jobs_per_batch.size(); ++i) {
      cumulative += queue->jobs_per_batch[i];
      total_jobs += queue->jobs_per_batch[i] * (i + 1);
      if (i + 1 == 1 || i + 1 == 2 || i + 1 == 4 || i + 1 == 8 || i + 1 == 16 || i + 1 == 32)
        out << "splicebert_batch_jobs_bucket{le=\"" << i + 1 << "\"} " << cumulative << "\n";
    }
    out << "splicebert_batch_jobs_bucket{le=\"+Inf\"} " << cumulative << "\n"
        << "splicebert_batch_jobs_sum " << total_jobs << "\nsplicebert_batch_jobs_count " << cumulative << "\n";
  }
  return out.str();
}

}  // namespace splicebert::server
