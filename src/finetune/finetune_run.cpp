// The fine-tuning run: for every seed and test fold, a fresh head on the pre-trained backbone, AdamW epochs with
// early stopping on the validation metric (optional ReduceLROnPlateau), the best weights kept and saved with the
// config beside them, then the test metrics; mean ± sd over all runs in summary.json (docs/finetuning.md).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>

#include "splicebert/error.hpp"
#include "splicebert/stop.hpp"
#include "splicebert/finetune.hpp"
#include "splicebert/heads.hpp"
#include "splicebert/io.hpp"
#include "splicebert/metrics.hpp"
#include "splicebert/model.hpp"
#include "splicebert/train.hpp"
#include "train/training_log.hpp"

namespace splicebert::finetune {

using nlohmann::json;

namespace {

struct Encoded {
  std::vector<std::vector<int32_t>> ids;  // per example, with <cls>/<eos>
};

const char* architecture_of(HeadKind kind) {
  return kind == HeadKind::Sequence ? "SpliceBertForSequencePrediction"
         : kind == HeadKind::Token  ? "SpliceBertForTokenPrediction"
                                    : "SpliceBertForContactPrediction";
}

// Rows `members` as a padded batch with labels [B] / [B, n] (sequence), [B, L] (token) or [B, L, L] (contact),
// −100 beyond each row's nucleotides.
train::HeadBatch make_head_batch(const FinetuneConfig& c, const std::vector<Example>& examples, const Encoded& enc,
                                 const std::vector<size_t>& members, int pad_id, uint64_t key) {
  train::HeadBatch hb;
  std::vector<std::vector<int32_t>> rows;
  for (size_t i : members) rows.push_back(enc.ids[i]);
  hb.batch = make_batch(rows, pad_id);
  const int64_t B = hb.batch.batch, L = hb.batch.tokens - 2;
  if (c.head.kind == HeadKind::Token) {
    hb.labels = Tensor({B, L});
    std::fill(hb.labels.data.begin(), hb.labels.data.end(), kIgnoreLabel);
    for (int64_t b = 0; b < B; ++b) {
      const auto& labels = examples[members[b]].labels;
      std::copy(labels.begin(), labels.end(), hb.labels.data.begin() + b * L);
    }
  } else if (c.head.kind == HeadKind::Contact) {
    hb.labels = Tensor({B, L, L});
    std::fill(hb.labels.data.begin(), hb.labels.data.end(), kIgnoreLabel);
    for (int64_t b = 0; b < B; ++b) {
      const auto& labels = examples[members[b]].labels;
      const int64_t l = static_cast<int64_t>(examples[members[b]].sequence.size());
      for (int64_t i = 0; i < l; ++i)
        std::copy_n(labels.begin() + i * l, l, hb.labels.data.begin() + (b * L + i) * L);
    }
  } else {
    const int64_t n = static_cast<int64_t>(examples[members[0]].labels.size());
    hb.labels = n == 1 ? Tensor({B}) : Tensor({B, n});
    for (int64_t b = 0; b < B; ++b)
      std::copy_n(examples[members[b]].labels.begin(), n, hb.labels.data.begin() + b * n);
  }
  for (size_t i : members) hb.sequence_keys.push_back(train::derive_seed(key, i));
  return hb;
}

std::vector<std::vector<size_t>> batches_of(const std::vector<size_t>& items, int batch_size) {
  std::vector<std::vector<size_t>> out;
  for (size_t i = 0; i < items.size(); i += static_cast<size_t>(batch_size))
    out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + batch_size));
  return out;
}

std::string result_path(const FinetuneConfig& c, uint64_t seed, int fold) {
  return c.output + "/seed" + std::to_string(seed) + "/fold" + std::to_string(fold) + "/result.json";
}

bool higher_is_better(const std::string& metric) { return metric != "loss" && metric != "mse"; }

struct RunContext {
  const FinetuneConfig& c;
  const std::vector<Example>& examples;
  const Encoded& encoded;
  const Model& model;
  const ModelConfig& head_config;
  const RunOptions& options;
  train::detail::TrainingLog& log;
  const std::vector<double>& source_calibration;  // class weights the loaded head was saved calibrated for, or none
};

std::map<std::string, double> evaluate(RunContext& r, train::TrainingSession& session,
                                       const std::vector<size_t>& members) {
  std::vector<Tensor> logits, labels;
  for (const auto& batch : batches_of(members, r.c.batch_size)) {
    const train::HeadBatch hb =
        make_head_batch(r.c, r.examples, r.encoded, batch, r.model.tokenizer().pad_id(), 0);
    logits.push_back(session.head_evaluate(hb).logits);
    if (r.c.calibrate_class_weights) calibrate_logits(logits.back(), r.c.head.class_weights);  // as saved
    labels.push_back(hb.labels);
  }
  return evaluation_metrics(r.c.head.problem_type, r.c.head.num_labels, logits, labels, r.c.head.label_names);
}

json run_one(RunContext& r, uint64_t seed, int test_fold, const std::vector<int>& folds) {
  const FinetuneConfig& c = r.c;
  const int validation_fold = (test_fold + 1) % c.folds;
  std::vector<size_t> train_rows, validation_rows, test_rows;
  for (size_t i = 0; i < folds.size(); ++i)
    (folds[i] == test_fold ? test_rows : folds[i] == validation_fold ? validation_rows : train_rows).push_back(i);
  // shard_splits: the test shard may be empty (a held-out region scored by other means)
  if (train_rows.empty() || validation_rows.empty() || (test_rows.empty() && !c.shard_splits))
    fail("finetune: seed ", seed, " fold ", test_fold, " has an empty train, validation or test set");

  std::vector<std::string> initialised;
  train::ParameterStore store = train::ParameterStore::with_task_head(
      r.head_config, r.model.named_tensors(), r.model.source(), seed, &initialised);
  if (!r.options.quiet && !initialised.empty()) {
    std::string names;
    for (const auto& name : initialised) names += (names.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "finetune: initialised normal(0, %g), bias 0: %s\n", r.head_config.initializer_range,
                 names.c_str());
  }
  const std::string output_bias = train::task_head_prefix(r.head_config) + ".decoder.bias";
  if (c.calibrate_class_weights && !store.parameters().count(output_bias))  // before training, not after it
    fail(c.source_json.value("model", c.model), ": calibrate_class_weights needs a head with an output bias");
  // A head saved calibrated starts from its trained bias again, so a weighted loss goes on where it stopped.
  if (!r.source_calibration.empty() &&
      std::find(initialised.begin(), initialised.end(), output_bias) == initialised.end())
    shift_output_bias(store.parameters(), r.head_config, r.source_calibration, +1);
  train::TrainingSession session(store, r.model.tokenizer());
  train::AdamW optimizer({c.lr, 0.9, 0.999, 1e-8, c.weight_decay});
  train::ReduceLROnPlateau plateau({c.plateau_factor, 1e-4, c.plateau_min_lr, c.plateau_patience, 0}, c.lr);
  train::Rng rng(train::derive_seed(seed, 0x7EA1, static_cast<uint64_t>(test_fold)));

  const bool higher = higher_is_better(c.monitor);
  double best = NAN;
  int best_epoch = 0, stale = 0;
  int64_t best_step = 0;
  TensorMap best_parameters = store.parameters();
  int64_t step = 0;
  double loss_sum = 0;
  int64_t loss_count = 0;
  // Validates, keeps the best weights, logs; true when early stopping says stop. Runs after every epoch and, with
  // validate_every, every that many steps (a long epoch is then not one decision).
  auto validate = [&](int epoch) {
    const auto validation = evaluate(r, session, validation_rows);
    const double value = validation.count(c.monitor) ? validation.at(c.monitor) : NAN;
    const bool improved = std::isnan(best) ? !std::isnan(value) || best_epoch == 0
                                           : (higher ? value > best : value < best);
    if (improved) best = value, best_epoch = epoch, best_step = step, stale = 0, best_parameters = store.parameters();
    else ++stale;
    if (c.plateau && !std::isnan(value)) plateau.step(higher ? -value : value);
    const double train_loss = loss_count ? loss_sum / static_cast<double>(loss_count) : NAN;
    loss_sum = 0, loss_count = 0;
    const json epoch_record = {{"seed", seed}, {"fold", test_fold}, {"epoch", epoch}, {"step", step},
                               {"train_loss", train_loss}, {"lr", c.plateau ? plateau.lr() : c.lr},
                               {"validation", validation}};
    r.log.write(epoch_record);
    if (r.options.on_record) r.options.on_record(epoch_record);
    if (!r.options.quiet)
      std::fprintf(stderr, "finetune seed %llu fold %d epoch %d step %lld train loss %.4f validation %s %.4f%s\n",
                   static_cast<unsigned long long>(seed), test_fold, epoch, static_cast<long long>(step), train_loss,
                   c.monitor.c_str(), value, improved ? " (best)" : "");
    return stale >= c.patience || (c.max_steps > 0 && step >= c.max_steps);
  };
  bool stop = false;
  const auto started = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return c.max_wall_minutes > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > 60 * c.max_wall_minutes;
  };
  for (int epoch = 1; epoch <= c.epochs && !stop; ++epoch) {
    std::vector<size_t> order = train_rows;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    bool validated_last = false;
    for (const auto& batch : batches_of(order, c.batch_size)) {
      if (c.max_steps > 0 && step >= c.max_steps) break;
      if (r.options.should_stop && r.options.should_stop())
        throw Stopped("finetune: stopped in seed " + std::to_string(seed) + " fold " + std::to_string(test_fold) +
                      "; finished folds are kept in " + c.output + " (resume to continue)");
      const uint64_t key = train::derive_seed(seed, static_cast<uint64_t>(test_fold), static_cast<uint64_t>(step));
      const train::HeadBatch hb = make_head_batch(c, r.examples, r.encoded, batch, r.model.tokenizer().pad_id(), key);
      store.zero_gradients();
      const train::DropoutSettings dropout{static_cast<float>(c.dropout), static_cast<float>(c.dropout), key,
                                           static_cast<float>(c.head.dropout)};
      const train::HeadStep result = session.head_forward_backward(hb, dropout, 1.0);
      if (result.kept == 0) continue;
      optimizer.step(store, c.plateau ? plateau.lr() : c.lr);
      loss_sum += result.loss, ++loss_count, ++step;
      validated_last = false;
      const bool timed_out = out_of_time();
      if (timed_out || (c.validate_every > 0 && step % c.validate_every == 0)) {
        validated_last = true;
        if ((stop = validate(epoch) || timed_out)) break;
      }
    }
    if (!stop && !validated_last) stop = validate(epoch);
  }

  store.parameters() = best_parameters;
  const auto test = test_rows.empty() ? std::map<std::string, double>{} : evaluate(r, session, test_rows);
  if (c.calibrate_class_weights) shift_output_bias(store.parameters(), r.head_config, c.head.class_weights, -1);
  const std::string dir = c.output + "/seed" + std::to_string(seed) + "/fold" + std::to_string(test_fold) + "/best";
  store.save_model_folder(dir, r.model.tokenizer());
  AtomicOutput split(dir + "/split.tsv", false);  // so baselines can train on exactly this split
  for (size_t i = 0; i < folds.size(); ++i)
    split.stream() << r.examples[i].name << '\t'
                   << (folds[i] == test_fold ? "test" : folds[i] == validation_fold ? "validation" : "train") << '\n';
  split.commit();
  AtomicOutput config_copy(dir + "/finetune_config.json", false);
  config_copy.stream() << c.source_json.dump(2) << "\n";
  config_copy.commit();
  json record = {{"seed", seed}, {"fold", test_fold}, {"best_epoch", best_epoch}, {"best_step", best_step},
                 {"steps", step}, {"best_validation", best},
                 {"checkpoint", dir}, {"test", test}, {"train", train_rows.size()},
                 {"validation_size", validation_rows.size()}, {"test_size", test_rows.size()}};
  r.log.write(record);
  AtomicOutput result(result_path(c, seed, test_fold), false);  // written last: its presence means "finished"
  result.stream() << record.dump(2) << "\n";
  result.commit();
  if (r.options.on_record) r.options.on_record(record);
  return record;
}

}  // namespace

json run_finetuning(const FinetuneConfig& config, const RunOptions& options) {
  FinetuneConfig c = config;
  train::set_training_precision(c.precision);
  const std::vector<Example> examples = read_examples(c);
  if (c.head.problem_type.empty()) {
    c.head.problem_type = infer_problem_type(examples, c.head);
    c.source_json["head"]["problem_type"] = c.head.problem_type;  // the config copies record what ran
    if (!options.quiet)
      std::fprintf(stderr, "finetune: problem_type inferred from all %zu labelled sequences: %s\n", examples.size(),
                   c.head.problem_type.c_str());
  }
  auto model = Model::load(c.model);
  // Read once, before anything is written: a damaged record fails the run by its file name.
  const std::vector<double> source_calibration =
      c.head.class_weights.empty() ? std::vector<double>{} : calibrated_class_weights_of(c.model);
  ModelConfig head_config = model->config();
  head_config.architecture = architecture_of(c.head.kind);
  head_config.head.kind = c.head.kind;
  head_config.head.num_labels = c.head.num_labels;
  head_config.head.problem_type = c.head.problem_type;
  head_config.head.transform = c.head.transform;
  head_config.head.dropout = c.head.dropout;
  head_config.head.label_names = c.head.label_names;
  head_config.head.class_weights = c.head.class_weights;
  Encoded encoded;
  for (const auto& e : examples) {
    auto ids = model->tokenizer().encode(e.sequence).ids;
    if (static_cast<int64_t>(ids.size()) > head_config.max_position_embeddings)
      fail(c.fasta.empty() ? c.windows : c.fasta, ": '", e.name, "' has ", e.sequence.size(), " nt, more than the model's ",
           head_config.max_position_embeddings - 2, " (set max_length)");
    encoded.ids.push_back(std::move(ids));
  }
  // Every seed's folds before the output folder exists: a bad split file fails the run with nothing written.
  std::vector<std::vector<int>> folds_of_seed;
  for (uint64_t seed : c.seeds) folds_of_seed.push_back(assign_folds(examples, c, seed));
  std::filesystem::create_directories(c.output);
  if (!options.resume) {
    AtomicOutput config_copy(c.output + "/finetune_config.json", false);
    config_copy.stream() << c.source_json.dump(2) << "\n";
    config_copy.commit();
  }
  // A resumed run keeps every record of the log (per-epoch steps restart in each run, so nothing is cut) and
  // appends a resume record.
  train::detail::TrainingLog log(c.output + "/train_log.jsonl",
                                 {{"kind", "header"}, {"command_line", options.command_line}, {"config", c.source_json},
                                  {"examples", examples.size()}, {"threads", omp_get_max_threads()}},
                                 options.resume ? std::numeric_limits<int64_t>::max() : -1);
  RunContext context{c, examples, encoded, *model, head_config, options, log, source_calibration};
  json runs = json::array();
  std::map<std::string, std::vector<double>> test_values;
  for (size_t s = 0; s < c.seeds.size(); ++s) {
    const uint64_t seed = c.seeds[s];
    const std::vector<int>& folds = folds_of_seed[s];
    for (int fold = 0; fold < (c.cross_validation ? c.folds : 1); ++fold) {
      const std::string finished = result_path(c, seed, fold);
      json record;
      if (options.resume && std::filesystem::exists(finished)) {
        record = json::parse(read_file_text(finished), nullptr, false);
        if (record.is_discarded() || !record.contains("test") || !record["test"].is_object())
          fail(finished, ": not a finished run's result (delete it to train that fold again)");
        if (!options.quiet)
          std::fprintf(stderr, "finetune: seed %llu fold %d finished before: %s\n",
                       static_cast<unsigned long long>(seed), fold, finished.c_str());
      } else {
        record = run_one(context, seed, fold, folds);
      }
      for (const auto& [name, value] : record["test"].items())
        test_values[name].push_back(value.is_number() ? value.get<double>() : NAN);
      runs.push_back(std::move(record));
    }
  }
  json summary = {{"runs", runs}, {"test", json::object()}};
  for (const auto& [name, values] : test_values) {
    const metrics::MeanSd m = metrics::mean_sd(values);
    summary["test"][name] = {{"mean", m.mean}, {"sd", m.sd}, {"runs", m.count}};
    if (options.quiet || name == "count") continue;
    if (m.count == 1)  // no spread from one run: no "± 0"
      std::fprintf(stderr, "finetune test %s: %.4f (1 run)\n", name.c_str(), m.mean);
    else
      std::fprintf(stderr, "finetune test %s: %.4f ± %.4f over %lld runs\n", name.c_str(), m.mean, m.sd,
                   static_cast<long long>(m.count));
  }
  AtomicOutput out(c.output + "/summary.json", false);
  out.stream() << summary.dump(2) << "\n";
  out.commit();
  log.write({{"kind", "summary"}, {"test", summary["test"]}});
  return summary;
}

}  // namespace splicebert::finetune
