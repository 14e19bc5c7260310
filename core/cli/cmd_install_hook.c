/* cmd_install_hook.c: `provcheck install-hook`: a git pre-commit hook running
 * `provcheck check --staged --changed-since HEAD`, for repositories without the
 * pre-commit framework. It goes where git looks (core.hooksPath, else
 * <gitdir>/hooks) and never replaces a hook provcheck did not write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "cli_util.h"
#include "err.h"
#include "fileio.h"
#include "src_git.h"

#define HOOK_MARKER "# installed by provcheck install-hook"

static const char install_usage[] =
    "usage: provcheck install-hook\n"
    "\n"
    "Install a git pre-commit hook that runs `provcheck check --staged\n"
    "--changed-since HEAD`: the staged content of the pages that differ from HEAD is\n"
    "checked, and a commit with findings is refused. The hook goes to core.hooksPath\n"
    "when set, else .git/hooks. A pre-commit hook that provcheck did not write is\n"
    "never replaced (exit 2); one it wrote is updated.\n"
    "\n"
    "exit status: 0 installed, 2 on a usage or setup error\n";

/* The folder git runs hooks from. malloc'd. */
static char *hooks_dir(git_repository *repo)
{
    git_config *cfg = NULL;
    git_buf value = {0};
    char *out = NULL;
    if (git_repository_config_snapshot(&cfg, repo) == 0 &&
        git_config_get_path(&value, cfg, "core.hooksPath") == 0 && value.ptr && *value.ptr) {
        const char *wd = git_repository_workdir(repo);
        /* git runs hooks from the work tree root: relative paths start there */
        out = value.ptr[0] == '/' || !wd ? strdup(value.ptr) : git_path_join(wd, value.ptr);
    } else {
        /* linked worktrees share the hooks of the main repository (git-worktree(1)) */
        out = git_path_join(git_repository_commondir(repo), "hooks");
    }
    git_buf_dispose(&value);
    git_config_free(cfg);
    return out;
}

/* The binary to run: this one when it can be named, else provcheck on PATH. */
static char *self_path(void)
{
    char *p = realpath("/proc/self/exe", NULL);
    return p ? p : strdup("provcheck");
}

static int write_hook(const char *file, const char *binary)
{
    buf b = BUF_INIT;
    buf_printf(&b,
               "#!/bin/sh\n"
               HOOK_MARKER "\n"
               "# Checks the staged content of the pages that differ from HEAD; unstaged\n"
               "# edits never change the verdict. Set PROVCHECK to use another binary.\n"
               "bin=\"${PROVCHECK:-%s}\"\n"
               "[ -x \"$bin\" ] || bin=provcheck\n"
               "if git rev-parse --verify -q HEAD >/dev/null 2>&1; then\n"
               "  exec \"$bin\" check --staged --changed-since HEAD\n"
               "else\n"
               "  exec \"$bin\" check --staged\n"
               "fi\n",
               binary);
    int rc = b.data ? write_file_atomic(file, b.data, b.len) : err_set("out of memory");
    buf_free(&b);
    if (rc == 0 && chmod(file, 0755) < 0)
        rc = err_set("%s: %s", file, strerror(errno));
    return rc;
}

static int install(void)
{
    git_repository *repo = NULL;
    char *dir = NULL, *file = NULL, *binary = NULL, *old = NULL;
    size_t old_len = 0;
    int rc = -1;
    if (git_repository_open_ext(&repo, ".", 0, NULL) < 0) {
        err_set("not a git repository (or any parent folder)");
        goto cleanup;
    }
    if (git_repository_is_bare(repo)) {
        err_set("%s is a bare repository: nothing is committed from it",
                git_repository_path(repo));
        goto cleanup;
    }
    dir = hooks_dir(repo);
    file = dir ? git_path_join(dir, "pre-commit") : NULL;
    binary = self_path();
    if (!file || !binary) {
        err_set("out of memory");
        goto cleanup;
    }
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        err_set("%s: %s", dir, strerror(errno));
        goto cleanup;
    }
    struct stat st;
    if (lstat(file, &st) == 0) {
        if (!S_ISREG(st.st_mode) || file_read_all(file, 1u << 20, &old, &old_len) < 0 ||
            !strstr(old, HOOK_MARKER)) {
            err_clear();
            err_set("%s exists and was not written by provcheck: not replacing it (add "
                    "`provcheck check --staged --changed-since HEAD` to it yourself)",
                    file);
            goto cleanup;
        }
    }
    if (write_hook(file, binary) < 0)
        goto cleanup;
    printf("installed %s\n", file);
    rc = 0;
cleanup:
    free(old);
    free(binary);
    free(file);
    free(dir);
    git_repository_free(repo);
    return rc;
}

int cmd_install_hook(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(install_usage, stdout);
            return EXIT_CLEAN;
        }
        cli_usage_error("install-hook", "unexpected argument %s", argv[i]);
        return EXIT_SETUP;
    }
    git_libgit2_init();
    int rc = install();
    git_libgit2_shutdown();
    return rc < 0 ? EXIT_SETUP : EXIT_CLEAN;
}
