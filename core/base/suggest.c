/* cli_suggest.c: the closest known name to a mistyped one. */
#include <string.h>
#include "suggest.h"

#define SUGGEST_MAX_LEN 64

size_t damerau_levenshtein(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
        return (size_t)-1;
    /* three rows suffice: a swap looks two rows back */
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *two_back = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                two_back[j - 2] + 1 < best)
                best = two_back[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = two_back;
        two_back = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

void suggestion_init(suggestion *s, const char *typed)
{
    s->typed = typed ? typed : "";
    s->best = NULL;
    s->best_distance = (size_t)-1;
}

void suggestion_offer(suggestion *s, const char *candidate)
{
    if (!candidate || strcmp(candidate, s->typed) == 0)
        return;
    size_t d = damerau_levenshtein(s->typed, candidate);
    if (d < s->best_distance) {
        s->best = candidate;
        s->best_distance = d;
    }
}

const char *suggestion_best(const suggestion *s)
{
    /* one edit for short names, about one per three letters for longer ones:
       "chek" -> "check", "--max-warning" -> "--max-warnings", but not "log" -> "rules" */
    size_t len = strlen(s->typed);
    size_t limit = len <= 4 ? 1 : len / 3;
    if (limit > 3)
        limit = 3;
    return s->best && s->best_distance <= limit ? s->best : NULL;
}
