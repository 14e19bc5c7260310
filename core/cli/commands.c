/* commands.c: the command table main() dispatches on. One line per command; a
 * command's owner adds its line when its cmd_ function is in core/. */
#include <stddef.h>
#include "cli.h"

const command commands[] = {
    {"check", cmd_check, "check pages (files, a git revision, the index)"},
    {"baseline", cmd_baseline, "write a baseline (a JSON report) to stdout or -o"},
    {"merge", cmd_merge, "merge JSON reports of sharded runs into one"},
    {"blame", cmd_blame, "which commit introduced each current finding"},
    {"history", cmd_history, "compliance of one page at every commit that touched it"},
    {"log", cmd_log, "compliance per commit, read from recorded git notes"},
    {"install-hook", cmd_install_hook, "install a git pre-commit hook running check --staged"},
    {"rules", cmd_rules, "list every rule: id, default severity, summary"},
    {"explain", cmd_explain, "a rule's documentation and options"},
    {"init", cmd_init, "write a commented starter provcheck.lua"},
    {"test-rules", cmd_test_rules, "run rule fixtures (for rule authors)"},
    {"audit", cmd_audit, "check a live site over HTTP(S)"},
    {"report", cmd_report, "HTML report from an audit database"},
    {NULL, NULL, NULL}
};
