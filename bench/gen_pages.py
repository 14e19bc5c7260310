#!/usr/bin/env python3
"""Generate N realistic news-aggregator article pages (40-60 KB each) for the
benchmark: a heavy head (meta, link, inline JSON-LD, inline scripts), navigation,
the article, related links and the footer. About 10% of the pages break each of
the three core rules (no source line, no privacy link, no disclaimer). As on real
CMS output, a third of the pages spell text with character references (&nbsp;,
&#8217;, &#32;) where it matters to the rules. The output is deterministic for a
given seed.

usage: gen_pages.py N OUT_DIR [--seed S]
Writes OUT_DIR/provcheck.lua, OUT_DIR/news/<year>/<nnn>/<slug>.html, and
OUT_DIR/expected.tsv: the findings a correct checker reports (path TAB rule), so
the benchmark can count false positives and negatives.
"""
import argparse
import json
import os
import random

WORDS = ("minister said talks security europe government response president moscow "
         "washington ukraine border troops allies written proposals crisis week "
         "officials meeting geneva statement agreement sanctions energy markets prices "
         "analysts report satellite images deployment diplomats negotiations treaty "
         "guarantees parliament speech assurances request position concrete discussion "
         "organization cooperation union principles documents priority citizens").split()
SOURCES = ["cnnespanol", "reuters", "efe"]
DISCLAIMER = ("The information on this site is from external sources that are not under "
              "our control. The inclusion of any links does not necessarily imply a "
              "recommendation or endorse the views expressed within them.")
# The same sentence as a CMS with a rich-text editor writes it: no-break spaces,
# a numeric space, a typographic apostrophe nearby. It must match all the same.
DISCLAIMER_ENTITIES = ("The information on this site is from external&#32;sources that are not "
                       "under our&nbsp;control. The inclusion of any links doesn&#8217;t necessarily "
                       "imply a recommendation.")


def sentence(rng, lo=12, hi=28):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def head(rng, title, when, slug):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "datePublished": when, "dateModified": when,
          "author": [{"@type": "Organization", "name": rng.choice(SOURCES)}],
          "publisher": {"@type": "Organization", "name": "The Limited Times",
                        "logo": {"@type": "ImageObject", "url": "https://limited-times.example/logo.png"}},
          "mainEntityOfPage": "https://limited-times.example/" + slug,
          "keywords": [rng.choice(WORDS) for _ in range(12)],
          "articleBody": paragraph(rng)}
    metas = "\n".join(
        f'<meta name="keywords-{i}" content="{" ".join(rng.choice(WORDS) for _ in range(10))}">'
        for i in range(25))
    links = "\n".join(f'<link rel="preload" href="/assets/chunk-{rng.randrange(10**8):08d}.js" as="script">'
                      for _ in range(20))
    script = "\n".join(
        f"  window.__cfg{i} = {json.dumps({'id': rng.randrange(10**9), 'words': [rng.choice(WORDS) for _ in range(30)]})};"
        for i in range(40))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - The Limited Times</title>
<meta name="description" content="{sentence(rng)}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
{metas}
{links}
<script type="application/ld+json">
{json.dumps(ld, indent=1)}
</script>
<script>
{script}
</script>
<style>body {{ font-family: serif; }} .nav a {{ margin: 0 4px; }} .hidden {{ display: none; }}</style>
</head>
"""


def nav(rng):
    items = "\n".join(f'    <li><a href="/section/{w}/">{w.capitalize()}</a></li>'
                      for w in rng.sample(WORDS, 30))
    return f"""<body>
<header class="masthead">
  <p class="brand"><a href="/">The Limited Times</a></p>
  <p>Now you can see non-English news...</p>
  <nav class="nav">
  <ul>
{items}
  </ul>
  </nav>
</header>
"""


def article(rng, title, when, source, target_bytes, so_far, entities=False):
    parts = [f'<main>\n<article class="story">\n  <h1>{title}</h1>\n'
             f'  <p class="byline"><time datetime="{when}">{when}</time></p>\n']
    size = so_far + len(parts[0])
    while size < target_bytes:
        p = f"  <p>{paragraph(rng)}</p>\n"
        if entities:
            p = p.replace("s ", "&#8217;s ", 1)
        if rng.random() < 0.15:
            p += '  <div class="ad"><script>loadAd("slot-' + str(rng.randrange(999)) + '");</script><p>advertising</p></div>\n'
        parts.append(p)
        size += len(p)
    if source:
        label = "Source:&nbsp;" if entities else "Source: "
        parts.append(f'  <p class="source">{label}{source}</p>\n')
    parts.append("</article>\n")
    return "".join(parts)


def related(rng, n_pages):
    items = "\n".join(
        f'    <li><a href="/news/2022/{rng.randrange(max(1, n_pages // 500 + 1)):03d}/story-{rng.randrange(n_pages)}.html">'
        f"{sentence(rng, 5, 9)}</a></li>" for _ in range(12))
    return f'<aside class="related">\n  <h2>You may like</h2>\n  <ul>\n{items}\n  </ul>\n</aside>\n</main>\n'


def footer(privacy, disclaimer, entities=False):
    s = '<footer class="site-footer">\n'
    s += '  <p>&copy; Communities 2019 - <a href="/privacy.html">Privacy</a></p>\n' if privacy else \
         "  <p>&copy; Communities 2019</p>\n"
    if disclaimer:
        s += f'  <p class="disclaimer">{DISCLAIMER_ENTITIES if entities else DISCLAIMER}</p>\n'
    s += "</footer>\n<script>window.dataLayer = window.dataLayer || [];</script>\n</body>\n</html>\n"
    return s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("count", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "provcheck.lua"), "w") as f:
        f.write('return {\n  rules = {\n'
                '    ["source-attribution"] = { sources = { "cnnespanol", "reuters", "efe" } },\n'
                '    ["third-party-disclaimer"] = { text = "The information on this site is from '
                'external sources that are not under our control." },\n  },\n}\n')
    with open(os.path.join(args.out, "privacy.html"), "w") as f:
        f.write("<!DOCTYPE html><html><head><title>Privacy</title></head><body><main>"
                "<h1>Privacy</h1><p>Source: efe</p></main>" + footer(True, True))
    total = 0
    expected = []
    for i in range(args.count):
        when = f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z"
        title = sentence(rng, 5, 10)[:-1]
        fault = rng.random()
        # ~10% each: no source, no privacy link, no disclaimer
        source = None if fault < 0.10 else rng.choice(SOURCES)
        privacy = not (0.10 <= fault < 0.20)
        disclaimer = not (0.20 <= fault < 0.30)
        entities = i % 3 == 0
        target = rng.randint(40_000, 60_000) - 2500
        slug = f"news/2022/{i // 500:03d}/story-{i}.html"
        page = head(rng, title, when, slug) + nav(rng)
        page += article(rng, title, when, source, target, len(page), entities)
        page += related(rng, args.count) + footer(privacy, disclaimer, entities)
        for broken, rule in ((not source, "source-attribution"), (not privacy, "privacy-link"),
                             (not disclaimer, "third-party-disclaimer")):
            if broken:
                expected.append(f"{slug}\t{rule}\n")
        path = os.path.join(args.out, slug)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(page)
        total += len(page)
    with open(os.path.join(args.out, "expected.tsv"), "w") as f:
        f.writelines(sorted(expected))
    print(f"{args.count} pages, {total / max(1, args.count) / 1024:.1f} KiB on average, in {args.out}")


if __name__ == "__main__":
    main()
