# bash completion for provcheck                                  -*- shell-script -*-
# Commands, options and their values are read from `provcheck --help` and
# `provcheck COMMAND --help` at completion time, and rule ids from
# `provcheck rules`, so the completion always matches the installed binary.

# _provcheck_spec PROVCHECK [COMMAND]: one line per completable item:
#   cmd NAME | opt NAME ARG|- | val OPTION VALUE...
_provcheck_spec()
{
    local prog=$1 cmd=${2-}
    [[ $cmd == baseline ]] && cmd=check   # baseline takes check's options
    if [[ -z $cmd ]]; then
        "$prog" --help 2>/dev/null
    else
        "$prog" "$cmd" --help 2>/dev/null
    fi | awk '
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
        }'
}

_provcheck()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]} cmd="" config="" i w
    command -v "$prog" >/dev/null 2>&1 || prog=provcheck
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            -c | --config) config=${COMP_WORDS[i + 1]-} ;;
            --config=*) config=${w#--config=} ;;
            -*) ;;
            *) [[ -z $cmd ]] && cmd=$w ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_provcheck_spec "$prog" | awk '$1 == "cmd" { print $2 }')" -- "$cur"))
        fi
        return 0
    fi

    local spec
    spec=$(_provcheck_spec "$prog" "$cmd")
    local opt=$prev
    if [[ $cur == --*=* ]]; then
        opt=${cur%%=*}
        cur=${cur#*=}
    fi
    # the value of an option that takes one
    if [[ $opt == -* ]] && awk -v o="$opt" '$1 == "opt" && $2 == o && $3 == "y" { f = 1 } END { exit !f }' <<<"$spec"; then
        case $opt in
            --rule)
                local rules_args=()
                [[ -n $config ]] && rules_args=(-c "$config")
                COMPREPLY=($(compgen -W "$("$prog" rules "${rules_args[@]}" 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur"))
                ;;
            *)
                local vals
                vals=$(awk -v o="$opt" '$1 == "val" && $2 == o { $1 = ""; $2 = ""; print }' <<<"$spec")
                if [[ -n $vals ]]; then
                    COMPREPLY=($(compgen -W "$vals" -- "$cur"))
                else
                    COMPREPLY=($(compgen -f -- "$cur"))
                    compopt -o filenames 2>/dev/null
                fi
                ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(awk '$1 == "opt" { print $2 }' <<<"$spec" | sort -u)" -- "$cur"))
    elif [[ $cmd == explain ]]; then
        local rules_args=()
        [[ -n $config ]] && rules_args=(-c "$config")
        COMPREPLY=($(compgen -W "$("$prog" rules "${rules_args[@]}" 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
        compopt -o filenames 2>/dev/null
    fi
    return 0
}
complete -F _provcheck provcheck
