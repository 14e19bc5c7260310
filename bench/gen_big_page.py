#!/usr/bin/env python3
"""Generate one large article page (default 5 MB) for the large-page benchmarks:
paragraphs of text with FINDINGS broken privacy links spread evenly through it
(`<a href="/privacy-gone-N.html">Privacy</a>`: each is one privacy-link finding,
reported at its <a>, so each needs a column), plus a source line and the
disclaimer so the other core rules pass.

usage: gen_big_page.py OUT_DIR [--bytes B] [--findings N] [--one-line]
Writes OUT_DIR/provcheck.lua and OUT_DIR/big.html. With --one-line the page has
no line break at all (as minified output); without it, one per paragraph. Both
forms have the same bytes apart from the line breaks, which replace spaces.
"""
import argparse
import os
import random

WORDS = ("minister said talks security europe government response president "
         "border troops allies written proposals crisis week officials meeting "
         "statement agreement sanctions energy markets prices analysts report").split()
DISCLAIMER = ("The information on this site is from external sources that are not under "
              "our control. The inclusion of any links does not necessarily imply a "
              "recommendation or endorse the views expressed within them.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--bytes", type=int, default=5 * 1000 * 1000)
    ap.add_argument("--findings", type=int, default=1000)
    ap.add_argument("--one-line", action="store_true")
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sep = " " if a.one_line else "\n"
    head = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>A long article</title></head><body><article><h1>A long article</h1>"
            "<p>Source: reuters</p>")
    tail = "<p>" + DISCLAIMER + "</p></article></body></html>" + sep
    paras = []
    size = len(head) + len(tail)
    while size < a.bytes:
        words = [rng.choice(WORDS) for _ in range(rng.randint(40, 90))]
        p = "<p>" + " ".join(words).capitalize() + ".</p>"
        paras.append(p)
        size += len(p) + 1
    step = max(1, len(paras) // max(1, a.findings))
    for i in range(a.findings):
        k = min(len(paras) - 1, i * step)
        paras[k] = paras[k][:-4] + (' <a href="/privacy-gone-%d.html">Privacy</a></p>' % i)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "big.html"), "w") as f:
        f.write(head + sep + sep.join(paras) + sep + tail)
    with open(os.path.join(a.out, "provcheck.lua"), "w") as f:
        f.write("return {\n  rules = {\n"
                "    [\"source-attribution\"] = { sources = { \"reuters\" } },\n"
                "    [\"third-party-disclaimer\"] = { text = \"The information on this "
                "site is from external sources that are not under our control.\" },\n"
                "  },\n}\n")


if __name__ == "__main__":
    main()
