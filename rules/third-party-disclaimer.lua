-- third-party-disclaimer: the page says that republished content comes from
-- third parties. The search runs in C over the normalized visible text.

local disclaimer = require("lib.disclaimer")

-- Built-in phrases, used when no exact `text` is configured.
local PHRASES = {
  "external sources",
  "third-party",
  "third party",
  "not under our control",
  "does not necessarily",
  "not responsible for the content",
}

return {
  id = "third-party-disclaimer",
  summary = "The visible text carries the third-party content disclaimer",
  severity = "error",
  needs = { "text" },
  options = {
    text = {
      type = "string",
      doc = "the exact disclaimer required (compared after normalization); without it, any built-in disclaimer phrase will do",
    },
  },
  docs = [[
A site that republishes content from other outlets must say so. With the `text`
option set, the page's visible text must contain that sentence, compared after
normalization (case, white space, typographic quotes and dashes do not matter).
Without it, the page must contain one of the built-in phrases that disclaim
third-party content: "external sources", "third-party", "third party",
"not under our control", "does not necessarily", "not responsible for the
content".

A disclaimer inside an HTML comment, a hidden element or `display:none` is not
visible and does not count. The finding points at the page's <article>, else
<body>.

Fix: put the disclaimer back in the footer template, visible.
]],
  check = function(page, opts, report)
    disclaimer.require_sentence(page, opts, report, PHRASES, "third-party disclaimer")
  end,
}
