/* commands.c: the command table main() dispatches on. One line per command; a
 * command's owner adds its line when its cmd_ function is in core/. */
#include <stddef.h>
#include "cli.h"

const command commands[] = {
    {"check", cmd_check, "check pages (files, a git revision, the index)"},
    {"rules", cmd_rules, "list every rule: id, default severity, summary"},
    {"explain", cmd_explain, "a rule's documentation and options"},
    {"init", cmd_init, "write a commented starter provcheck.lua"},
    {"test-rules", cmd_test_rules, "run rule fixtures (for rule authors)"},
    {NULL, NULL, NULL}
};
