#include "train/trainer_checkpoint.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "splicebert/error.hpp"
#include "splicebert/signal_cleanup.hpp"
#include "splicebert/io.hpp"

namespace splicebert::train::detail {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
constexpr const char* kFormat = "splicebert-trainer-state";

std::string hex64(uint64_t value) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
  return text;
}

uint64_t parse_hex64(const json& j, const std::string& source, const char* what) {
  if (!j.is_string()) fail(source, ": ", what, " must be a hex string");
  const std::string text = j.get<std::string>();
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 16);
  if (text.empty() || *end) fail(source, ": ", what, " '", text, "' is not a hex number");
  return value;
}

template <class T>
T field(const json& j, const char* key, const std::string& source) {
  if (!j.contains(key)) fail(source, ": lacks '", key, "'");
  try {
    return j.at(key).get<T>();
  } catch (const std::exception&) {
    fail(source, ": '", key, "' has the wrong type");
  }
}

// Numbered step folders of a run, ascending.
std::vector<std::pair<int64_t, fs::path>> step_folders(const std::string& output_dir) {
  std::vector<std::pair<int64_t, fs::path>> found;
  std::error_code ec;
  const fs::path root = fs::path(output_dir) / "checkpoints";
  if (!fs::is_directory(root, ec)) return found;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("step-") || !fs::exists(entry.path() / kStateFile, ec)) continue;
    char* end = nullptr;
    const long long step = std::strtoll(name.c_str() + 5, &end, 10);
    if (*end == '\0') found.emplace_back(step, entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

json TrainerState::to_json() const {
  json j;
  j["format"] = kFormat;
  j["version"] = 1;
  j["tool_version"] = SPLICEBERT_VERSION;
  j["stage"] = stage;
  j["stage_step"] = stage_step;
  j["global_step"] = global_step;
  j["tokens_seen"] = tokens_seen;
  j["data"] = {{"epoch", data.epoch}, {"index", data.index}};
  j["rng"] = json::array();
  for (uint64_t word : rng) j["rng"].push_back(hex64(word));
  j["optimizer_steps"] = optimizer_steps;
  j["scheduler"] = {{"lr", scheduler.lr},
                    {"best", scheduler.best},
                    {"has_best", scheduler.has_best},
                    {"bad_epochs", scheduler.bad_epochs},
                    {"cooldown_counter", scheduler.cooldown_counter},
                    {"epochs", scheduler.epochs}};
  j["seed"] = hex64(seed);
  j["world_size"] = world_size;
  j["threads"] = threads;
  j["accumulation"] = accumulation;
  j["config"] = config;
  return j;
}

TrainerState TrainerState::from_json(const json& j, const std::string& source) {
  if (!j.is_object() || j.value("format", "") != kFormat) fail(source, ": not a splicebert trainer state");
  TrainerState s;
  s.stage = field<int>(j, "stage", source);
  s.stage_step = field<int64_t>(j, "stage_step", source);
  s.global_step = field<int64_t>(j, "global_step", source);
  s.tokens_seen = field<int64_t>(j, "tokens_seen", source);
  const json data = field<json>(j, "data", source);
  s.data.epoch = field<uint64_t>(data, "epoch", source);
  s.data.index = field<uint64_t>(data, "index", source);
  const json rng = field<json>(j, "rng", source);
  if (!rng.is_array() || rng.size() != 4) fail(source, ": 'rng' must hold 4 words");
  for (size_t i = 0; i < 4; ++i) s.rng[i] = parse_hex64(rng[i], source, "rng word");
  s.optimizer_steps = field<int64_t>(j, "optimizer_steps", source);
  const json sched = field<json>(j, "scheduler", source);
  s.scheduler.lr = field<double>(sched, "lr", source);
  s.scheduler.best = field<double>(sched, "best", source);
  s.scheduler.has_best = field<bool>(sched, "has_best", source);
  s.scheduler.bad_epochs = field<int>(sched, "bad_epochs", source);
  s.scheduler.cooldown_counter = field<int>(sched, "cooldown_counter", source);
  s.scheduler.epochs = field<int64_t>(sched, "epochs", source);
  s.seed = parse_hex64(field<json>(j, "seed", source), source, "seed");
  s.world_size = field<int>(j, "world_size", source);
  s.threads = field<int>(j, "threads", source);
  s.accumulation = field<int64_t>(j, "accumulation", source);
  s.config = field<json>(j, "config", source);
  return s;
}

void write_checkpoint(const std::string& dir, const ParameterStore& store, const Tokenizer& tokenizer,
                      const AdamW& optimizer, const TrainerState& state, const std::function<void()>& before_commit) {
  const fs::path final_path(dir);
  const fs::path temp = final_path.parent_path() /
                        ("." + final_path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(temp, ec);
  const FolderRemovedOnSignal interrupted(temp.string());  // a killed run leaves no .NAME.tmp-PID behind
  fs::create_directories(temp, ec);
  if (ec) fail(temp.string(), ": cannot create the directory: ", ec.message());
  store.save_model_folder(temp.string(), tokenizer);
  write_safetensors((temp / kOptimizerFile).string(), optimizer.state_tensors(), {{"format", "pt"}});
  AtomicOutput state_file((temp / kStateFile).string(), false);
  state_file.stream() << state.to_json().dump(2) << "\n";
  state_file.commit();
  if (before_commit) before_commit();
  if (fs::exists(final_path, ec)) fs::remove_all(final_path, ec);
  fs::rename(temp, final_path, ec);
  if (ec) fail(dir, ": cannot move the finished checkpoint into place: ", ec.message());
}

LoadedCheckpoint read_checkpoint(const std::string& dir) {
  LoadedCheckpoint loaded;
  loaded.dir = dir;
  const std::string state_path = (fs::path(dir) / kStateFile).string();
  std::error_code ec;
  if (!fs::exists(state_path, ec)) fail(dir, ": not a training checkpoint (no ", kStateFile, ")");
  const json j = json::parse(read_file_text(state_path), nullptr, false);
  if (j.is_discarded()) fail(state_path, ": not well-formed JSON");
  loaded.state = TrainerState::from_json(j, state_path);
  loaded.model = Model::load(dir, LoadOptions{.require_lm_head = true, .precision = Precision::F32, .pooler_file = {}});
  const std::string optimizer_path = (fs::path(dir) / kOptimizerFile).string();
  loaded.optimizer = read_safetensors(optimizer_path).tensors;
  return loaded;
}

std::string resolve_checkpoint(const std::string& path) {
  std::error_code ec;
  if (fs::exists(fs::path(path) / kStateFile, ec)) return path;
  const auto folders = step_folders(path);
  if (!folders.empty()) return folders.back().second.string();
  if (fs::exists(fs::path(path) / "train_log.jsonl", ec)) return "";
  fail(path, ": neither a checkpoint (", kStateFile, ") nor a run folder with checkpoints/step-*");
}

std::string checkpoint_dir(const std::string& output_dir, int64_t global_step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(global_step));
  return (fs::path(output_dir) / "checkpoints" / name).string();
}

void prune_checkpoints(const std::string& output_dir, int64_t keep) {
  std::error_code ec;
  const auto folders = step_folders(output_dir);
  for (size_t i = 0; i + static_cast<size_t>(keep) < folders.size(); ++i) fs::remove_all(folders[i].second, ec);
  const fs::path root = fs::path(output_dir) / "checkpoints";
  if (!fs::is_directory(root, ec)) return;
  for (const auto& entry : fs::directory_iterator(root, ec))
    if (entry.path().filename().string().starts_with(".step-")) fs::remove_all(entry.path(), ec);
}

}  // namespace splicebert::train::detail
