# fish completion for provcheck. Commands, options and their values are read
# from `provcheck --help` and `provcheck COMMAND --help` at completion time, and
# rule ids from `provcheck rules`, so the completion always matches the installed
# binary. The help parser is the one of the bash completion.

# __provcheck_spec [COMMAND]: cmd NAME | opt NAME ARG|- | val OPTION VALUE...
function __provcheck_spec
    set -l cmd $argv[1]
    test "$cmd" = baseline; and set cmd check
    if test -z "$cmd"
        command provcheck --help 2>/dev/null
    else
        command provcheck $cmd --help 2>/dev/null
    end | awk '
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
                sub(/:.*/, "", line); gsub(/\\(default\\)/, "", line)
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
            while (match(line, /\\[--?[A-Za-z][A-Za-z-]*( [^]]*)?\\]/)) {
                item = substr(line, RSTART + 1, RLENGTH - 2)
                line = substr(line, RSTART + RLENGTH)
                split(item, p, " ")
                print "opt", p[1], (p[2] == "" ? "-" : "y")
                if (p[2] ~ /^[a-z]+(\\|[a-z]+)+$/) { gsub(/\\|/, " ", p[2]); print "val", p[1], p[2] }
            }
        }'
end

function __provcheck_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd
    set -l config
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        switch $w
            case -c --config
                set config $words[(math $i + 1)]
            case '--config=*'
                set config (string replace -- --config= '' $w)
            case '-*'
            case '*'
                test -z "$cmd"; and set cmd $w
        end
        set i (math $i + 1)
    end
    if test -z "$cmd"
        if string match -q -- '-*' $cur
            printf '%s\n' --help --version
        else
            __provcheck_spec | awk '$1 == "cmd" { print $2 }'
        end
        return
    end
    set -l spec (__provcheck_spec $cmd)
    set -l opt $words[-1]
    set -l prefix
    if string match -q -- '--*=*' $cur
        set opt (string split -m1 = -- $cur)[1]
        set prefix $opt=
    end
    if string match -q -- '-*' $opt; and printf '%s\n' $spec | awk -v o="$opt" '$1 == "opt" && $2 == o && $3 == "y" { f = 1 } END { exit !f }'
        if test "$opt" = --rule
            if test -n "$config"
                command provcheck rules -c $config 2>/dev/null | awk 'NR > 1 { print $1 }'
            else
                command provcheck rules 2>/dev/null | awk 'NR > 1 { print $1 }'
            end
        else
            set -l vals (printf '%s\n' $spec | awk -v o="$opt" '$1 == "val" && $2 == o { for (i = 3; i <= NF; i++) print $i }')
            if test (count $vals) -gt 0
                printf "$prefix%s\n" $vals
            else
                __fish_complete_path (string replace -- "$prefix" '' $cur)
            end
        end
        return
    end
    if string match -q -- '-*' $cur
        printf '%s\n' $spec | awk '$1 == "opt" { print $2 }' | sort -u
    else if test "$cmd" = explain
        if test -n "$config"
            command provcheck rules -c $config 2>/dev/null | awk 'NR > 1 { print $1 }'
        else
            command provcheck rules 2>/dev/null | awk 'NR > 1 { print $1 }'
        end
    else
        __fish_complete_path $cur
    end
end

complete -c provcheck -f -a '(__provcheck_complete)'
