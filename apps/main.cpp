// splicebert <verb> [options]: samtools-style front end. Errors: one line on stderr, exit status 1.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <iostream>
#include <map>

#include "cli.hpp"
#include "splicebert/error.hpp"

namespace splicebert::cli {

std::vector<Verb>& verbs() {
  static std::vector<Verb> registry;
  return registry;
}

VerbRegistrar::VerbRegistrar(const char* name, const char* description, VerbSetup setup) {
  verbs().push_back({name, description, std::move(setup)});
}

}  // namespace splicebert::cli

// libgomp reads its wait policy once, when it is loaded, and by default spins at every barrier. On a machine
// whose cores are also busy with anything else, a spinning thread waits out whole scheduler time slices for a
// descheduled partner: measured here, a 66-token forward went from 13 ms to 450 ms with two threads. Sleeping
// waiters cost a few microseconds per barrier instead. So unless the user chose a policy, re-run ourselves with
// OMP_WAIT_POLICY=passive (docs/performance.md). Only verbs that run the model pay for the second start-up.
void choose_openmp_wait_policy(int argc, char** argv) {
  static const char* const model_verbs[] = {"embed",   "fill-mask", "bench",    "bench-train", "bench-variants",
                                            "pretrain", "finetune", "predict", "score-vcf",   "score-pairs", "ism",      "serve"};
  if (argc < 2 || std::none_of(std::begin(model_verbs), std::end(model_verbs),
                               [&](const char* verb) { return std::strcmp(argv[1], verb) == 0; }))
    return;
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  setenv("OMP_WAIT_POLICY", "passive", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default policy
}

int main(int argc, char** argv) {
  using namespace splicebert;
  choose_openmp_wait_policy(argc, argv);
  cli::set_command_line(argc, argv);
  CLI::App app{"splicebert: SpliceBERT RNA language model in C++ (embed, fill-mask, score variants, train)"};
  app.set_version_flag("--version", std::string("splicebert ") + SPLICEBERT_VERSION);
  app.require_subcommand(1);
  std::map<CLI::App*, std::function<int()>> runners;
  auto& all = cli::verbs();
  std::sort(all.begin(), all.end(), [](const cli::Verb& a, const cli::Verb& b) { return a.name < b.name; });
  for (auto& verb : all) {
    CLI::App* sub = app.add_subcommand(verb.name, verb.description);
    runners[sub] = verb.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  }
  for (auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    try {
      return run();
    } catch (const Error& e) {
      std::fprintf(stderr, "splicebert %s: error: %s\n", sub->get_name().c_str(), e.what());
      return 1;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "splicebert %s: error: out of memory\n", sub->get_name().c_str());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "splicebert %s: error: %s\n", sub->get_name().c_str(), e.what());
      return 1;
    }
  }
  return 1;
}
