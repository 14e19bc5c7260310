-- licensing: republished Creative Commons content carries the attribution its
-- license asks for. Enable with plugins = { "licensing" } in provcheck.lua.
return {
  name = "licensing",
  version = "1.0.0",
  description = "Republished Creative Commons content carries title, author, source and license links, and is not adapted against its license",
  rules = { "cc-attribution", "cc-no-derivatives", "cc-modification-notice" },
}
