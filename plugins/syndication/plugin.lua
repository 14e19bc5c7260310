-- syndication: rules for sites that republish other outlets' articles, beyond
-- the three core rules. Enable with plugins = { "syndication" } in provcheck.lua.
return {
  name = "syndication",
  version = "1.0.0",
  description = "Republished articles link to the original, carry the links disclaimer, and say when they are translations",
  rules = { "original-link", "links-disclaimer", "translation-notice" },
}
