/* audit_config.h: the `audit` table of the config, read and checked before any
 * request is made. */
#ifndef PROVCHECK_AUDIT_CONFIG_H
#define PROVCHECK_AUDIT_CONFIG_H
#include <stddef.h>
#include "config.h"

typedef struct audit_config {
    char *user_agent;
    char **headers; size_t header_count;
    char *cookies;
    char *ca_file;        /* resolved against the config's folder */
} audit_config;

/* Read cfg's `audit` table into out (zeroed first). 0, or -1 with err_set naming
 * the config file. */
int audit_config_read(audit_config *out, const config *cfg);
void audit_config_free(audit_config *c);
/* Whether a header value is one line (no CR, LF or NUL smuggling a second one). */
int header_safe(const char *s);
/* Append value (borrowed, not copied) to a growing list. 0, or -1 out of memory. */
int audit_list_push(char ***list, size_t *count, char *value);

#endif
