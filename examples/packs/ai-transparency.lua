-- The ai-transparency pack on the example site's machine-translated section
-- (examples/site/packs/ai-transparency/). Run from the repository root:
--   provcheck check -c examples/packs/ai-transparency.lua
-- The site's own provcheck.lua checks the core rules and leaves this folder out;
-- this config shows the pack alone.
return {
  site_root = "../site",
  include = { "packs/ai-transparency/**/*.html" },
  plugins = { "ai-transparency" },
  rules = {
    ["source-attribution"] = "off",
    ["privacy-link"] = "off",
    ["third-party-disclaimer"] = "off",
    -- EU AI Act Art. 50(4): a missing disclosure is an error from 2 August 2026.
    ["ai-transparency/disclosure"] = { severity = "error" },
    -- A contradiction between what readers and machines are told.
    ["ai-transparency/consistency"] = "warning",
  },
  overrides = {
    -- An editor reviews this section under editorial responsibility: the
    -- visible disclosure is not required there (Art. 50(4), second subparagraph).
    { files = { "packs/ai-transparency/reviewed/**" },
      rules = { ["ai-transparency/disclosure"] = { human_reviewed = true } } },
  },
}
