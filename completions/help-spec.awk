# help-spec.awk: reads `provcheck --help` or `provcheck COMMAND --help` and prints
# what the shell completions offer, one item a line:
#   cmd NAME | opt NAME ARG|- | val OPTION VALUE...
# The one parser of the bash, zsh and fish completions: CMake pastes it into each
# (provcheck.bash.in, _provcheck.in, provcheck.fish.in) at build time.
# No single quotes in here: it is pasted between single quotes.
/^commands:/ { incmd = 1; next }
incmd && /^$/ { incmd = 0 }
incmd && /^  [a-z]/ { print "cmd", $1; next }
# option lines: "  -c, --config FILE   doc", "      --staged    doc"
/^ +-/ {
    line = $0; sub(/^ +/, "", line)
    names = ""; arg = "-"
    while (match(line, /^--?[A-Za-z0-9][A-Za-z0-9-]*/)) {
        names = names " " substr(line, 1, RLENGTH)
        line = substr(line, RLENGTH + 1)
        if (line ~ /^, /) { line = substr(line, 3); continue }
        if (line ~ /^ [^ ]/) { arg = "y"; sub(/^ [^ ]+( [^ -][^ ]*)? +/, "", line) }
        else sub(/^ +/, "", line)
        break
    }
    n = split(names, o, " ")
    for (i = 1; i <= n; i++) print "opt", o[i], arg
    # "FMT  text (default), json, sarif": the values the option takes
    if (arg == "y") {
        sub(/:.*/, "", line); gsub(/\(default\)/, "", line)
        gsub(/,| or /, " ", line); vals = ""; m = split(line, w, " ")
        for (i = 1; i <= m && w[i] ~ /^[a-z]+$/; i++) vals = vals " " w[i]
        if (m > 1 && i > m)
            for (j = 1; j <= n; j++) print "val", o[j] vals
    }
    next
}
# the usage line: "[-c FILE] [--format text|json]"
/^usage:/ {
    line = $0
    while (match(line, /\[--?[A-Za-z][A-Za-z-]*( [^]]*)?\]/)) {
        item = substr(line, RSTART + 1, RLENGTH - 2)
        line = substr(line, RSTART + RLENGTH)
        split(item, p, " ")
        print "opt", p[1], (p[2] == "" ? "-" : "y")
        if (p[2] ~ /^[a-z]+(\|[a-z]+)+$/) { gsub(/\|/, " ", p[2]); print "val", p[1], p[2] }
    }
}
