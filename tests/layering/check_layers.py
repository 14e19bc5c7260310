#!/usr/bin/env python3
"""check_layers.py: core/ keeps its directions.

core/ is one folder per stage of the data path. A folder may include headers of
its own folder and of folders below it in LAYERS, never of one above: libraries
stay usable without the command line, and no include circle can form between
folders. Inside a folder, no two files may include each other's headers in a
circle either. Prints every offending include with file and line; exit 1 if any.

With OBJECTS (the build's object files of core/, as CMake's
$<TARGET_OBJECTS:provcheck_core> lists them), it also reads who calls whom from the
objects' symbols (nm): no file may call into a layer above its own, and no two
files may call each other in a circle (a circle makes neither usable alone).

Problems listed in known_violations.txt beside this script are the debt still to
pay: they are reported but do not fail the check; one that is gone fails it until
its line is removed, so the list only shrinks.

Usage: check_layers.py CORE_DIR [OBJECTS...]
"""
import os
import re
import subprocess
import sys

# lowest first; the order is docs/architecture.md's
LAYERS = ["base", "report", "page", "sandbox", "config", "source", "engine",
          "run", "target", "git", "audit", "cli"]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def symbols(obj):
    """(defined, used) global function and data names of one object file."""
    out = subprocess.run(["nm", "-P", "-g", obj], capture_output=True, text=True,
                         check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            used.add(name)
        elif kind in "TDBRCVW":
            defined.add(name)
    return defined, used


def check_calls(objects, rank, problems):
    units = {}
    for obj in objects:
        name = os.path.basename(obj)
        if name.endswith(".c.o") and not name.startswith("builtin_rules"):
            layer = os.path.basename(os.path.dirname(obj))
            units[(layer, name[:-len(".c.o")])] = symbols(obj)
    owner = {}
    for unit, (defined, _) in units.items():
        for sym in defined:
            owner[sym] = unit
    edges = {}
    for unit, (_, used) in sorted(units.items()):
        for sym in sorted(used):
            dest = owner.get(sym)
            if dest is None or dest == unit:
                continue
            if dest[0] in rank and unit[0] in rank and rank[dest[0]] > rank[unit[0]]:
                problems.append(f"core/{unit[0]}/{unit[1]}.c: calls {sym} of "
                                f"core/{dest[0]}/{dest[1]}.c, a layer above {unit[0]}")
            edges.setdefault(unit, {}).setdefault(dest, sym)
    # strongly connected components (Tarjan): each with more than one file is a circle
    index, low, on_stack, stack, counter = {}, {}, set(), [], [0]

    def strong(u):
        index[u] = low[u] = counter[0]
        counter[0] += 1
        stack.append(u)
        on_stack.add(u)
        for v in sorted(edges.get(u, {})):
            if v not in index:
                strong(v)
                low[u] = min(low[u], low[v])
            elif v in on_stack:
                low[u] = min(low[u], index[v])
        if low[u] == index[u]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == u:
                    break
            if len(component) > 1:
                members = sorted(component)
                calls = []
                for a in members:
                    for b, sym in sorted(edges.get(a, {}).items()):
                        if b in component:
                            calls.append(f"{a[0]}/{a[1]}.c -> {b[0]}/{b[1]}.c ({sym})")
                problems.append("call circle: " + "; ".join(calls))

    for u in sorted(units):
        if u not in index:
            strong(u)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    core = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "core")
    core = os.path.normpath(core)
    objects = sys.argv[2:]
    rank = {name: i for i, name in enumerate(LAYERS)}
    header_home = {}
    files = []
    problems = []
    for entry in sorted(os.listdir(core)):
        folder = os.path.join(core, entry)
        if not os.path.isdir(folder):
            if entry.endswith((".c", ".h")):
                problems.append(f"core/{entry}: a source file outside the layer folders")
            continue
        if entry not in rank:
            problems.append(f"core/{entry}/: a folder that is not a layer "
                            f"(add it to LAYERS here and to docs/architecture.md)")
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".c", ".h")):
                files.append((entry, name))
                if name.endswith(".h"):
                    if name in header_home:
                        problems.append(f"{name}: in both core/{header_home[name]}/ "
                                        f"and core/{entry}/")
                    header_home[name] = entry

    for layer, name in files:
        path = os.path.join(core, layer, name)
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = os.path.basename(m.group(1))
                home = header_home.get(target)
                if home is None:
                    continue          # a generated or system header
                if rank[home] > rank[layer]:
                    problems.append(f"core/{layer}/{name}:{lineno}: includes {target} "
                                    f"from core/{home}/, a layer above {layer}")

    if objects:
        check_calls(objects, rank, problems)

    known_path = os.path.join(here, "known_violations.txt")
    known = set()
    if os.path.exists(known_path):
        with open(known_path, encoding="utf-8") as f:
            known = {line.rstrip("\n") for line in f
                     if line.strip() and not line.startswith("#")}
    if not objects:
        known = {k for k in known if k.startswith("core/") and ": includes " in k}
    debt = [p for p in problems if p in known]
    problems = [p for p in problems if p not in known]
    for gone in sorted(known - set(debt)):
        problems.append(f"fixed, so remove it from known_violations.txt: {gone}")
    for p in debt:
        print(f"known: {p}")
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s); layers, lowest first: "
              + " < ".join(LAYERS))
        return 1
    print(f"check_layers: {len(files)} files in {len(LAYERS)} layers, no new include "
          f"or call upward and no new circle ({len(debt)} known, to pay)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
