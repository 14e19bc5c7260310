#!/usr/bin/env python3
"""Instructions per page by area, from callgrind profiles of provcheck and of
parse_floor over the same pages (bench/scale.sh BENCH_PROFILE=1 runs them).

usage: profile_areas.py PAGES PROVCHECK.cg FLOOR.cg
Prints a Markdown table. Areas, from callgrind_annotate's per-function costs:
  total            every instruction of the process (start-up and report too)
  libxml2 parse    htmlParseDocument, inclusive (DOM building included)
  DOM build        libxml2's SAX2 tree builders (xmlSAX2StartElement, ...Characters,
                   ...EndElement, ...Comment...), inclusive: part of the parse
  DOM free         xmlFreeDoc, inclusive
  Lua rule layer   sandbox_pcall, inclusive: rules and the page API they call
  hook calls       count_hook (the sandbox's instruction budget), inclusive. Only
                   the calls: what a set hook costs every VM instruction (the
                   slow path through luaG_traceexec) stays inside liblua, which
                   has no symbols here; compare the rule layer with and without
                   the hook to see it.
  malloc/free      the C library allocator's own instructions (self cost)
Areas overlap (the hook is inside the rule layer, allocations are everywhere):
they are views, not a partition.
"""
import re
import subprocess
import sys

# "  1,234 (12.3%)  file:function [object]": the object is left off when the line
# would be long
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S+)(?:\s+\[.*\])?\s*$")
ALLOC = re.compile(r"^(malloc|free|realloc|calloc|cfree|_int_malloc|_int_free|_int_realloc|"
                   r"malloc_consolidate|unlink_chunk(\.\w+)?|sysmalloc|tcache_\w+|"
                   r"__libc_(malloc|free|realloc|calloc)|_int_free_merge_chunk|"
                   r"_int_free_create_chunk|_int_free_maybe_consolidate)$")
SAX2_TREE = {"xmlSAX2StartElement", "xmlSAX2EndElement", "xmlSAX2Characters",
             "xmlSAX2IgnorableWhitespace", "xmlSAX2Comment", "xmlSAX2CDataBlock",
             "xmlSAX2StartDocument", "xmlSAX2EndDocument", "xmlSAX2InternalSubset"}


def costs(cg, inclusive):
    out = subprocess.run(["callgrind_annotate", "--threshold=100",
                          "--inclusive=" + ("yes" if inclusive else "no"), cg],
                         capture_output=True, text=True, check=True).stdout
    total, per = 0, {}
    for line in out.splitlines():
        if line.startswith("-- Auto-annotated source"):
            break   # the per-function table is over
        if "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
            continue
        m = LINE.match(line)
        if not m:
            continue
        name = m.group(2).rsplit(":", 1)[-1]
        name = re.sub(r"\.(part|constprop|isra|cold)\.\d+$", "", name)
        n = int(m.group(1).replace(",", ""))
        # a function split by the compiler (f and f.part.0) shows up twice: the
        # outer one's inclusive cost holds the inner's, keep the larger
        per[name] = max(per.get(name, 0), n) if inclusive else per.get(name, 0) + n
    return total, per


def areas(cg):
    total, inc = costs(cg, True)
    _, self_ = costs(cg, False)
    return {
        "total": total,
        "libxml2 parse": inc.get("htmlParseDocument", 0),
        "DOM build (in the parse)": sum(v for k, v in inc.items() if k in SAX2_TREE),
        "DOM free": inc.get("xmlFreeDoc", 0),
        "Lua rule layer": inc.get("sandbox_pcall", 0),
        "hook calls (in the rule layer)": inc.get("count_hook", 0),
        "malloc/free": sum(v for k, v in self_.items() if ALLOC.match(k)),
    }


def main():
    pages = int(sys.argv[1])
    pc, floor = areas(sys.argv[2]), areas(sys.argv[3])
    print("| area | provcheck M instr/page | floor M instr/page |")
    print("| --- | ---: | ---: |")
    for k in pc:
        f = f"{floor[k] / pages / 1e6:.2f}" if floor[k] else "-"
        print(f"| {k} | {pc[k] / pages / 1e6:.2f} | {f} |")
    print()
    print(f"provcheck / floor, total instructions: {pc['total'] / max(floor['total'], 1):.2f}")


if __name__ == "__main__":
    main()
