-- provcheck.lua for the example site "The Limited Times", a news aggregator that
-- republishes articles from other outlets. Every key is shown; the comments say why.
-- Run from the repository root:  provcheck check -c examples/site/provcheck.lua
return {
  -- The pages are served from this folder itself. A built site would say e.g.
  -- site_root = "public".
  site_root = ".",

  -- Which files are pages, relative to the site root (** crosses folders).
  include = { "**/*.html", "**/*.htm" },

  -- Drafts are not published; the rule fixtures under provcheck/ are not pages.
  -- packs/ holds the sections that show the rule packs, each checked by its own
  -- config in examples/packs/.
  exclude = { "drafts/**", "provcheck/**", "packs/**" },

  rules = {
    -- Every republished article names its outlet, and only outlets we have an
    -- agreement with. "Fuente" is what the Spanish edition prints.
    ["source-attribution"] = {
      severity = "error",
      labels = { "Source", "Fuente" },
      sources = { "cnnespanol", "reuters", "efe" },
    },
    -- The footer links to the privacy policy.
    ["privacy-link"] = {
      severity = "error",
      patterns = { "privacy", "privacidad" },
    },
    -- The exact sentence legal asked for, not just any disclaimer.
    ["third-party-disclaimer"] = {
      severity = "error",
      text = "The information on this site is from external sources that are not under our control.",
    },
    -- The custom rule from rule_paths below; shorthand form: just a severity.
    ["byline-date"] = "warning",
  },

  -- Per-page settings, merged key by key over `rules`; later entries win.
  overrides = {
    -- Pages we write ourselves have no external source and no article date.
    { files = { "index.html", "news/index.html", "privacy.html", "about/**" },
      rules = { ["source-attribution"] = "off", ["byline-date"] = "off" } },
  },

  -- Our own rules: provcheck/rules/byline-date.lua, with its fixtures next to it
  -- (provcheck test-rules examples/site/provcheck/rules).
  rule_paths = { "provcheck/rules" },

  -- Rule packs (plugins/<name>/); none needed here.
  plugins = { },

  -- The largest page provcheck reads; bigger ones get a page-error.
  max_page_bytes = 4 * 1024 * 1024,

  -- Per rule per page budgets (time_ms: CPU time); a rule over them gets a rule-error.
  limits = { instructions = 20000000, memory = 64 * 1024 * 1024, time_ms = 5000 },

  -- How `provcheck audit` fetches the live site.
  audit = {
    user_agent = "provcheck (compliance check; editor@limited-times.example)",
    headers = { ["Accept-Language"] = "en" },
  },
}
