/* cli_suggest.h: "did you mean" for a mistyped command, option, config key or rule
 * id. Offer every known name; the closest one within a small Damerau-Levenshtein
 * distance (adjacent swaps count as one edit) is the suggestion. */
#ifndef PROVCHECK_CLI_SUGGEST_H
#define PROVCHECK_CLI_SUGGEST_H
#include <stddef.h>

typedef struct suggestion {
    const char *typed;
    const char *best;      /* borrowed from the caller's candidates */
    size_t best_distance;
} suggestion;

void suggestion_init(suggestion *s, const char *typed);
void suggestion_offer(suggestion *s, const char *candidate);
/* The closest candidate, or NULL when none is close enough to be a typo. */
const char *suggestion_best(const suggestion *s);

/* The optimal-string-alignment distance between a and b (insert, delete,
   substitute, swap two neighbours). Strings past 64 bytes count as far. */
size_t damerau_levenshtein(const char *a, const char *b);

#endif
