-- The news-metadata pack on republished articles of the example site
-- (examples/site/packs/news-metadata/). Run from the repository root:
--   provcheck check -c examples/packs/news-metadata.lua
-- news/blinken-response.html is compliant; the others each show one problem:
-- lavrov-warns (the seed page's "© Communities 2019" on a 2022 article),
-- gas-prices (no NewsArticle JSON-LD, no canonical link to the original),
-- winter-storm (dated after the run's time set below), markets (the JSON-LD
-- credits Reuters, the page says "Source: efe").
return {
  site_root = "../site/packs/news-metadata",
  -- the run's time, so the "not in the future" check gives the same result every day
  now = "2026-08-02T00:00:00Z",
  plugins = { "news-metadata" },
  rules = {
    ["news-metadata/source-matches"] = {
      aliases = { "cnnespanol | CNN en Español | CNN Español | cnnespanol.cnn.com" },
    },
    ["news-metadata/syndication-canonical"] = { own_hosts = { "limited-times.example" } },
  },
  overrides = {
    { files = { "privacy.html" }, rules = { ["source-attribution"] = "off" } },
  },
}
