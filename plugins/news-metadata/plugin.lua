-- news-metadata: a republished article's machine-readable metadata (schema.org
-- JSON-LD, canonical link) agrees with what the reader sees. Enable with
-- plugins = { "news-metadata" } in provcheck.lua.
return {
  name = "news-metadata",
  version = "1.0.0",
  description = "Republished articles carry NewsArticle JSON-LD that agrees with the visible source, dates and copyright, and a canonical link to the original",
  rules = { "jsonld-article", "source-matches", "date-published", "copyright-year", "syndication-canonical" },
}
