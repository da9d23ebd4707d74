// splicebert <verb> [options]: samtools-style front end. Errors: one line on stderr, exit status 1.
#include <cstdio>
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

int main(int argc, char** argv) {
  using namespace splicebert;
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
