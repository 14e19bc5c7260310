#!/usr/bin/env bash
# Man pages and shell completions against the binary they ship with: every
# command and every option that `provcheck --help` and `provcheck COMMAND --help`
# list is in provcheck(1), in the section of that command, and is offered by the
# bash completion; every config key of docs/config.md is in provcheck.lua(5).
# The completions run for real: bash with COMP_WORDS/COMP_CWORD, fish with
# `complete -C`, zsh in a pseudo-terminal with a TAB key press.
. "$(dirname "$0")/lib.sh"

BUILD=${PROVCHECK_BUILD:-$PROVCHECK_SRC/build}
MAN1=$BUILD/man/provcheck.1
MAN5=$BUILD/man/provcheck.lua.5
for f in provcheck.bash _provcheck provcheck.fish; do
  assert_file_exists "$BUILD/completions/$f" "the completion generated in the build folder"
done
if [ ! -f "$MAN1" ] || [ ! -f "$MAN5" ]; then
  echo "man pages not built in $BUILD/man: scdoc is missing (run scripts/setup.sh, then cmake again)" >&2
  exit 1
fi

# The pages render without a warning from groff.
for page in "$MAN1" "$MAN5"; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  assert_eq "$warnings" "" "$(basename "$page") renders cleanly"
done

# --- every command and option of --help in provcheck(1) --------------------------
# help_options: the option names in a --help text on stdin (option lines and the
# usage line), one per line.
help_options() {
  python3 -c '
import re, sys
names = []
for line in sys.stdin:
    if line.startswith("usage:"):
        names += re.findall(r"(?:^|[\s\[])(--?[A-Za-z][\w-]*)", line[6:])
    elif re.match(r"^\s+-", line):
        head = re.split(r"\s{2,}", line.strip())[0]
        names += re.findall(r"(?:^|, )(--?[A-Za-z][\w-]*)", head)
for n in dict.fromkeys(names):
    print(n)
'
}
# man_section FILE TITLE-WORD: the text of the sections whose title holds the
# word (roff escapes removed), e.g. "AUDIT" -> "AUDIT OPTIONS".
man_section() {
  python3 - "$1" "$2" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
text = re.sub(r"\\f[BIRP]", "", text).replace("\\&", "").replace("\\-", "-")
out, keep = [], False
for line in text.splitlines():
    if line.startswith(".SH"):
        title = line[3:].strip().strip('"')
        keep = sys.argv[2] in re.split(r", | AND | ", title)
        continue
    if keep:
        out.append(line)
print("\n".join(out))
PY
}

run --help
commands=$(printf '%s\n' "$OUT" | awk '/^commands:/ { c = 1; next } c && /^$/ { c = 0 } c { print $1 }')
ncommands=$(printf '%s\n' "$commands" | grep -c .)
if [ "$ncommands" -ge 13 ]; then pass; else fail "only $ncommands commands found in --help"; fi
man_commands=$(man_section "$MAN1" COMMANDS)
global=$(man_section "$MAN1" GLOBAL)
assert_contains "$global" "-h, --help" "provcheck(1) documents --help"
assert_contains "$global" "--version" "provcheck(1) documents --version"

. "$BUILD/completions/provcheck.bash"
export PATH="$(dirname "$PROVCHECK"):$PATH"
# complete WORD...: the bash completion's candidates for the last word, sorted.
complete_bash() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _provcheck
  printf '%s\n' "${COMPREPLY[@]}" | sort
}
all_commands=$(complete_bash provcheck "")

noptions=0
for cmd in $commands; do
  if printf '%s\n' "$man_commands" | grep -q "^$cmd\\b"; then pass
  else fail "command '$cmd' (in --help) is missing from provcheck(1) COMMANDS"; fi
  if printf '%s\n' "$all_commands" | grep -qx -- "$cmd"; then pass
  else fail "the bash completion does not offer the command '$cmd'"; fi
  run "$cmd" --help
  assert_status 0 "$cmd --help"
  # baseline takes check's options and is documented with them
  section_word=$(printf '%s' "$cmd" | tr a-z A-Z)
  [ "$cmd" = baseline ] && section_word=CHECK
  section=$(man_section "$MAN1" "$section_word")
  offered=$(complete_bash provcheck "$cmd" -)
  for opt in $(printf '%s\n' "$OUT" | help_options); do
    noptions=$((noptions + 1))
    case $opt in
      -h|--help) continue ;;   # GLOBAL OPTIONS, checked above
    esac
    if printf '%s\n' "$section" | grep -q -- "^$opt\\b\\|, $opt\\b\\|^[^ ]*.* $opt\\b"; then pass
    else fail "option '$opt' of '$cmd' (in its --help) is missing from provcheck(1) section $section_word"; fi
    if printf '%s\n' "$offered" | grep -qx -- "$opt"; then pass
    else fail "the bash completion does not offer '$opt' for '$cmd'"; fi
    # docs/cli.md, the reference on the web, lists it too (docs/audit.md for audit)
    case $opt in -*[a-z]*) ;; *) continue ;; esac
    case $opt in --*) ;; *) continue ;; esac   # short forms stand beside their long one
    if grep -q -- "\`$opt[ \`=]\|\`$opt\`\|[ ,(]$opt[ ,)\`]" "$PROVCHECK_SRC/docs/cli.md" "$PROVCHECK_SRC/docs/audit.md"; then pass
    else fail "option '$opt' of '$cmd' (in its --help) is missing from docs/cli.md"; fi
  done
done
if [ "$noptions" -ge 60 ]; then pass; else fail "only $noptions options found in the --help texts"; fi

# --- every config key of docs/config.md in provcheck.lua(5) ----------------------
keys=$(python3 - "$PROVCHECK_SRC/docs/config.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
table = text.split("## Keys", 1)[1].split("\n\n", 2)[1]
for row in table.splitlines():
    m = re.match(r"\| `([\w.]+)` \|", row)
    if not m:
        continue
    print(m.group(1))
    # the audit row names its own keys: (`user_agent`, `headers`, ...)
    if m.group(1) == "audit":
        for sub in re.findall(r"`(\w+)`", row.split("|")[4]):
            print("audit." + sub)
PY
)
nkeys=$(printf '%s\n' "$keys" | grep -c .)
if [ "$nkeys" -ge 14 ]; then pass; else fail "only $nkeys keys found in docs/config.md"; fi
man_keys=$(man_section "$MAN5" KEYS)
for key in $keys; do
  if printf '%s\n' "$man_keys" | grep -q -- "^$key ("; then pass
  else fail "config key '$key' (docs/config.md) is missing from provcheck.lua(5) KEYS"; fi
done

# --- the bash completion ------------------------------------------------------------
assert_eq "$(complete_bash provcheck ch)" "check" "bash: a command"
assert_eq "$(complete_bash provcheck check --fo)" "--format" "bash: an option"
assert_eq "$(complete_bash provcheck check -f "" | tr '\n' ' ')" "codequality github json junit sarif text " "bash: the formats"
assert_eq "$(complete_bash provcheck check --format=sa)" "sarif" "bash: --format=VALUE"
assert_eq "$(complete_bash provcheck check --fail-on "" | tr '\n' ' ')" "error never warning " "bash: --fail-on levels"
assert_eq "$(complete_bash provcheck blame -f "" | tr '\n' ' ')" "json text " "bash: blame's formats"
assert_eq "$(complete_bash provcheck rules --format "" | tr '\n' ' ')" "json text " "bash: rules' formats"
assert_eq "$(complete_bash provcheck baseline --sta)" "--staged" "bash: baseline takes check's options"
# rule ids come from `provcheck rules` with the config given on the line, or the
# one in the current folder: the example site's own rule and the syndication pack's
SITE=$TMP/site
cp -r "$PROVCHECK_SRC/examples/site" "$SITE"
sed -i 's/plugins = { }/plugins = { "syndication" }/' "$SITE/provcheck.lua"
assert_eq "$(complete_bash provcheck check --rule priv)" "privacy-link" "bash: a built-in rule id"
assert_eq "$(complete_bash provcheck check -c "$SITE/provcheck.lua" --rule by)" "byline-date" "bash: a rule id of the config's rule_paths"
# the pack's rule ids as the binary spells them (bare or PACK/RULE)
run rules -c "$SITE/provcheck.lua" --format json
original_link=$(json '[r["id"] for r in d["rules"] if r["id"].endswith("original-link")][0]')
translation_notice=$(json '[r["id"] for r in d["rules"] if r["id"].endswith("translation-notice")][0]')
assert_eq "$(cd "$SITE" && complete_bash provcheck explain "${original_link%-link}")" "$original_link" "bash: a pack's rule id, from the config in the current folder"
assert_eq "$(complete_bash provcheck check -c "$SITE/provcheck.lua" --rule by)" "byline-date" "bash: --rule after -c"
mkdir -p "$TMP/files/public"
assert_eq "$(cd "$TMP/files" && complete_bash provcheck check pub)" "public" "bash: paths"

# --- fish and zsh, when installed ------------------------------------------------
if command -v fish >/dev/null 2>&1; then
  complete_fish() {
    (cd "${2:-.}" && fish --no-config -c "source '$BUILD/completions/provcheck.fish'; complete -C'$1'") | sort | tr '\n' ' '
  }
  assert_eq "$(complete_fish 'provcheck ch')" "check " "fish: a command"
  assert_eq "$(complete_fish 'provcheck audit --sit')" "--sitemap " "fish: an option"
  assert_eq "$(complete_fish 'provcheck check -f ')" "codequality github json junit sarif text " "fish: the formats"
  assert_eq "$(complete_fish "provcheck explain ${translation_notice%-notice}" "$SITE")" "$translation_notice " "fish: a pack's rule id"
else
  echo "fish not installed: fish completion not exercised" >&2
fi
if command -v zsh >/dev/null 2>&1; then
  # A real interactive zsh in a pseudo-terminal: type the line, press TAB, and
  # read back what the line became.
  complete_zsh() {
    (cd "${2:-.}" && zsh -f -c '
      zmodload zsh/zpty
      zpty z zsh -f -i
      zpty -w z "PS1=\"> \"; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; unsetopt beep"
      zpty -w z "echo READY"; zpty -r z line "*READY*"; zpty -r z line "*READY*"
      zpty -w -n z "$2"$'"'"'\t'"'"'
      sleep 1; out=""
      while zpty -r -t z chunk; do out+=$chunk; done
      print -r -- "$out"; zpty -d z' zsh "$BUILD/completions" "$1") |
      sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | tr -d '\r\b' | tail -1
  }
  assert_contains "$(complete_zsh 'provcheck check --fo')" "provcheck check --format" "zsh: an option"
  assert_contains "$(complete_zsh "provcheck explain ${translation_notice%-notice}" "$SITE")" "$translation_notice" "zsh: a pack's rule id"
  assert_contains "$(complete_zsh 'provcheck check --format=sa')" "--format=sarif" "zsh: --format=VALUE"
else
  echo "zsh not installed: zsh completion not exercised" >&2
fi

finish
