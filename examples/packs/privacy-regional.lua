-- The privacy-regional pack on the example site's international editions
-- (examples/site/packs/privacy-regional/): a US edition that must offer the
-- California opt-out, a German edition that needs an Impressum, and cookie
-- policy links everywhere. Run from the repository root:
--   provcheck check -c examples/packs/privacy-regional.lua
-- Three pages fail on purpose: us/blinken-response.html (no Do Not Sell link),
-- de/blinken-antwortet.html (no Impressum), es/lavrov-advierte.html (its cookie
-- policy link points to a page that does not exist).
return {
  site_root = "../site/packs/privacy-regional",
  plugins = { "privacy-regional" },
  rules = {
    ["source-attribution"] = { labels = { "Source", "Fuente" } },
    ["privacy-link"] = { patterns = { "privacy", "privacidad" } },
    -- the site shows third-party advertising: that is "sharing" under the CPRA
    ["privacy-regional/do-not-sell"] = { severity = "error", enabled = true },
    -- German pages are found by <html lang="de">; the default, written out
    ["privacy-regional/impressum"] = { severity = "error", languages = { "de" } },
    ["privacy-regional/cookie-policy"] = { severity = "error", enabled = true },
  },
  overrides = {
    -- pages we write ourselves have no external source
    { files = { "index.html", "privacy.html", "do-not-sell.html", "cookies.html", "impressum.html" },
      rules = { ["source-attribution"] = "off" } },
  },
}
