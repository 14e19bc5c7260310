-- The licensing pack on the example site's Creative Commons section
-- (examples/site/packs/licensing/). Run from the repository root:
--   provcheck check -c examples/packs/licensing.lua
-- The site's own provcheck.lua checks the core rules and leaves this folder out;
-- this config shows the pack alone.
return {
  site_root = "../site",
  include = { "packs/licensing/**/*.html" },
  plugins = { "licensing" },
  rules = {
    ["source-attribution"] = "off",
    ["privacy-link"] = "off",
    ["third-party-disclaimer"] = "off",
    -- Which sources we republish under which license (from our agreements).
    ["licensing/cc-attribution"] = { sources = { "cnnespanol = CC BY 4.0", "efe = CC BY-ND 4.0" } },
    ["licensing/cc-no-derivatives"] = { sources = { "cnnespanol = CC BY 4.0", "efe = CC BY-ND 4.0" } },
    ["licensing/cc-modification-notice"] = { sources = { "cnnespanol = CC BY 4.0", "efe = CC BY-ND 4.0" } },
  },
}
