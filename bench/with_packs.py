#!/usr/bin/env python3
"""with_packs.py CONFIG PACK...: turn the rule packs on in a generated site's
provcheck.lua (gen_pages.py writes `return { ... }`), in place."""
import sys

path, packs = sys.argv[1], sys.argv[2:]
src = open(path).read().rstrip()
assert src.startswith("return {"), f"{path}: not a `return {{ ... }}` config"
names = ", ".join(f'"{p}"' for p in packs)
open(path, "w").write("return {\n  plugins = { " + names + " }," + src[len("return {"):] + "\n")
