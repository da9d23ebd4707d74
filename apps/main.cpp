// splicebert <verb> [options]: samtools-style front end. Every error is one line on stderr,
// "splicebert VERB: error: …" (CLI11's parse errors too), with exit status 1 (docs/cli.md).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

#include "cli.hpp"
#include "splicebert/build_info.hpp"
#include "splicebert/error.hpp"
#include "splicebert/io.hpp"

namespace splicebert::cli {

std::vector<Verb>& verbs() {
  static std::vector<Verb> registry;
  return registry;
}

VerbRegistrar::VerbRegistrar(const char* name, const char* description, VerbSetup setup, RunsModel runs_model) {
  verbs().push_back({name, description, std::move(setup), runs_model == RunsModel::Yes});
}

const Verb* find_verb(const std::string& name) {
  for (const Verb& verb : verbs())
    if (verb.name == name) return &verb;
  return nullptr;
}

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest of `names` to `typed`: within edit distance 2 (1 for words of 3 letters or fewer), or one that
// `typed` is a prefix of.
std::string closest_name(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = typed.size() <= 3 ? 2 : 3;
  for (const std::string& name : names) {
    size_t distance = edit_distance(typed, name);
    if (typed.size() >= 2 && name.starts_with(typed)) distance = std::min<size_t>(distance, 1);
    if (distance < best_distance) best = name, best_distance = distance;
  }
  return best;
}

}  // namespace

std::string closest_verb(const std::string& typed) {
  std::vector<std::string> names;
  for (const Verb& verb : verbs()) names.push_back(verb.name);
  return closest_name(typed, names);
}

namespace {

// libgomp reads its wait policy once, when it is loaded, and by default spins at every barrier. On a machine
// whose cores are also busy with anything else, a spinning thread waits out whole scheduler time slices for a
// descheduled partner: measured here, a 66-token forward went from 13 ms to 450 ms with two threads. Sleeping
// waiters cost a few microseconds per barrier instead. So unless the user chose a policy, re-run ourselves with
// OMP_WAIT_POLICY=passive (docs/performance.md). Only verbs that run the model (the registry knows which) pay for
// the second start-up.
void choose_openmp_wait_policy(int argc, char** argv) {
  const Verb* verb = argc >= 2 ? find_verb(argv[1]) : nullptr;
  if (!verb || !verb->runs_model) return;
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  setenv("OMP_WAIT_POLICY", "passive", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: carry on with the default policy
}

std::string version_text() {
  const BuildInfo info = build_info();
  return "splicebert " + info.version + "\ncommit " + info.git_commit + "\n" + info.blas + "\n" + info.onednn +
         "\ncpu path " + info.cpu_path + "\n";
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

int report_error(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "splicebert%s%s: error: %s\n", verb.empty() ? "" : " ", verb.c_str(), one_line(message).c_str());
  return 1;
}

// "did you mean --window?" for an unknown option of `verb`, from the names it declares.
std::string option_hint(CLI::App& verb, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::Option* option : verb.get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
  }
  auto known = [&](const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); };
  for (int i = 2; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "-" || word == "--" || !word.starts_with("-")) continue;
    word = word.substr(0, word.find('='));
    if (known(word)) continue;
    if (!word.starts_with("--")) {
      // A long name with one dash (-window), or an unknown short option: name what the verb does take.
      if (word.size() > 2 && known("-" + word)) return " (did you mean -" + word + " instead of " + word + "?)";
      if (word.size() > 2 && known(word.substr(0, 2))) continue;  // -t4: a short option with its value attached
      std::string shorts;
      for (const std::string& name : names)
        if (!name.starts_with("--")) shorts += (shorts.empty() ? "" : " ") + name;
      if (word.size() == 2) return " (" + word + " is not an option of this verb; its short options: " + shorts + ")";
      continue;
    }
    if (std::string near = closest_name(word, names); !near.empty())
      return " (did you mean " + near + " instead of " + word + "?)";
  }
  return "";
}

// argv[1] names no verb: suggest the closest.
int unknown_verb(const std::string& typed) {
  const std::string near = closest_verb(typed);
  return report_error("", "unknown verb '" + typed + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
                              " (splicebert --help lists the verbs)");
}

}  // namespace
}  // namespace splicebert::cli

int main(int argc, char** argv) {
  using namespace splicebert;
  cli::choose_openmp_wait_policy(argc, argv);
  remove_output_temporaries_on_signals();  // Ctrl-C or a scheduler's SIGTERM leaves no OUT.tmp.* behind
  cli::set_command_line(argc, argv);
  if (argc >= 2 && argv[1][0] != '-' && !cli::find_verb(argv[1])) return cli::unknown_verb(argv[1]);

  CLI::App app{"splicebert: SpliceBERT RNA language model in C++ (embed, fill-mask, score variants, train)"};
  app.add_flag_callback(
      "--version",
      [] {
        std::cout << cli::version_text();
        throw CLI::Success();
      },
      "print the version, git commit, BLAS / oneDNN versions and the CPU path in use");
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
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    CLI::App* verb = argc >= 2 && cli::find_verb(argv[1]) ? app.get_subcommand(argv[1]) : nullptr;
    const std::string hint = verb && dynamic_cast<const CLI::ExtrasError*>(&e) ? cli::option_hint(*verb, argc, argv)
                                                                              : std::string();
    return cli::report_error(verb ? verb->get_name() : "", e.what() + hint + " (see splicebert " +
                                                             (verb ? verb->get_name() + " " : "") + "--help)");
  }
  for (auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    try {
      const int status = run();
      finish_standard_output();  // a full disk or closed file behind stdout is an error, not exit 0
      return status;
    } catch (const Error& e) {
      return cli::report_error(sub->get_name(), e.what());
    } catch (const std::bad_alloc&) {
      return cli::report_error(sub->get_name(), "out of memory");
    } catch (const std::exception& e) {
      return cli::report_error(sub->get_name(), e.what());
    }
  }
  return 1;
}
