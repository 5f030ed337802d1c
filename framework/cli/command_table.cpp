#include <iostream>

#include "cli/commands.hpp"

namespace selfheal::cli {

// One entry per subcommand, all of the same shape (name, summary, help text, options, flags,
// handler): a table by design, so its rows look alike and stay separate.
const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"serve", "run the host: heal in the background, serve the HTTP API",
       "usage: selfheal serve [--config F] [--listen HOST:PORT]\n"
       "  Loads the manifest and its plugins, heals the crates in the background, serves the\n"
       "  HTTP API (/health, /metrics, /livez, /readyz, /self-healing/*) and runs until SIGINT\n"
       "  or SIGTERM. SIGHUP re-reads the manifest (as POST /self-healing/reload).\n"
       "  --config F          manifest (default config/plugins.yaml)\n"
       "  --listen HOST:PORT  overrides settings.http.bind and settings.http.port (port 0: any free\n"
       "                      port; the log says \"listening on HOST:PORT\")\n"
       "  Limits from the environment: SELFHEAL_HTTP_READ_TIMEOUT_MS (10000),\n"
       "  SELFHEAL_HTTP_HEADER_TIMEOUT_MS (5000), SELFHEAL_HTTP_MAX_CONNECTIONS (256),\n"
       "  SELFHEAL_HTTP_MAX_CONNECTIONS_PER_CLIENT (64), SELFHEAL_HTTP_RATE (10/s),\n"
       "  SELFHEAL_HTTP_BURST (20).\n"
       "exit: 0 stopped by a signal, 2 bad --listen, 3 invalid manifest, 4 could not start\n"
       "      (e.g. a non-loopback address without settings.http.token, or the port is taken)\n",
       {"config", "state-dir", "plugin-dir", "listen"}, {"help"}, &run_serve},
      {"check", "validate a manifest and print what it would load",
       "usage: selfheal check [--config F] [--json] [--no-load]\n"
       "  Validates the manifest; prints every error as file:line:column: key: message (with\n"
       "  --json also {valid: false, file, errors: [{file, line, column, key, message, text}]}).\n"
       "  Opens every plugin in the probe (a child process, never this one) to check what only\n"
       "  the plugins know: each entry's name is the one its plugin declares, each component\n"
       "  implementation creates that component, a diagnoser reports each issues: key.\n"
       "  Valid: prints the plan, with the diagnoser order (priority, then manifest order).\n"
       "  --no-load  skip the plugins: check the manifest alone, e.g. where the plugins are not\n"
       "             built (their library files need not exist; nothing is probed)\n"
       "exit: 0 valid, 3 invalid\n",
       {"config", "state-dir", "plugin-dir"}, {"help", "json", "no-load"}, &run_check},
      {"plugins", "load every plugin and list its descriptor and status",
       "usage: selfheal plugins [--config F] [--json]\n"
       "  Probes and loads each plugin of the manifest; lists kind, name, version, file,\n"
       "  API version, checksum and status (loaded, failed or quarantined, with the reason).\n"
       "  Errors only the loaded plugins reveal (an issues: key no diagnoser reports, a component\n"
       "  implementation that creates another component) are printed as file:line:column.\n"
       "exit: 0 all loaded, 1 some failed, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir"}, {"help", "json"}, &run_plugins},
      {"diagnose", "diagnose the crate once",
       "usage: selfheal diagnose [--config F] [--crate NAME] [--json]\n"
       "  Runs the diagnosers in manifest order; prints the first issue, or healthy.\n"
       "exit: 0 healthy, 1 issue found, 2 unknown --crate, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir", "crate"}, {"help", "json"}, &run_diagnose},
      {"fix", "diagnose and repair once",
       "usage: selfheal fix [--config F] [--crate NAME] [--json]\n"
       "  Diagnoses, runs the mapped strategy chain and verifies with a fresh diagnosis.\n"
       "  A build's progress goes to stderr: one line updated in place on a terminal, plain\n"
       "  lines otherwise.\n"
       "exit: 0 was healthy, 5 fixed, 1 not fixed, 2 unknown --crate, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir", "crate"}, {"help", "json"}, &run_fix},
      {"clean-build", "clean the crate's target and rebuild",
       "usage: selfheal clean-build [--config F] [--crate NAME] [--json]\n"
       "  Runs the clean_build strategy (the crate's build output removed, then rebuilt) and\n"
       "  verifies with a fresh diagnosis.\n"
       "exit: 5 rebuilt and healthy, 1 failed, 2 unknown --crate, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir", "crate"}, {"help", "json"}, &run_clean_build},
      {"status", "the healer's status and recent fixes",
       "usage: selfheal status [--config F] [--json]\n"
       "  Totals, success rate, retry counts and recent fixes from the state folder's history\n"
       "  (read-only; a running serve's current fix shows in GET /self-healing/status).\n"
       "exit: 0, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir"}, {"help", "json"}, &run_status},
      {"history", "recorded fix attempts, newest first",
       "usage: selfheal history [--config F] [--limit N] [--json]\n"
       "  Every recorded strategy attempt, newest first (--limit N: the N newest; default 20).\n"
       "exit: 0, 2 bad --limit, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir", "limit"}, {"help", "json"}, &run_history},
      {"components", "the components and their implementations",
       "usage: selfheal components [--config F] [--json]\n"
       "  Loads the component plugins, checks the crate's artifact once and prints each\n"
       "  component's active implementation and the available ones (score, errors, breaker).\n"
       "exit: 0, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir"}, {"help", "json"}, &run_components},
      {"force-check", "check every component now and switch where needed",
       "usage: selfheal force-check [--config F] [--json]\n"
       "  --json prints {success, changes, message}.\n"
       "exit: 0, 3 invalid manifest\n",
       {"config", "state-dir", "plugin-dir"}, {"help", "json"}, &run_force_check},
  };
  return table;
}

}  // namespace selfheal::cli
