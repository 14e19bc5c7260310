-- links-disclaimer: republished articles carry links chosen by another newsroom;
-- the page says that a link is not an endorsement.

local disclaimer = require("lib.disclaimer")

local PHRASES = {
  "does not necessarily imply a recommendation",
  "does not necessarily imply endorsement",
  "not necessarily endorse",
  "does not imply endorsement",
  "do not imply endorsement",
  "is not an endorsement",
}

return {
  id = "links-disclaimer",
  summary = "The visible text says that links are not endorsements",
  severity = "warning",
  needs = { "text" },
  options = {
    text = {
      type = "string",
      doc = "the exact sentence required (compared after normalization); without it, a built-in phrase will do",
    },
  },
  docs = [[
The second half of the usual republishing footer: "The inclusion of any links
does not necessarily imply a recommendation or endorse the views expressed
within them." With `text` set, that exact sentence must be in the visible text
(compared after normalization: case, white space, typographic quotes and dashes
do not matter). Without it, one of the built-in phrases will do: "does not
necessarily imply a recommendation", "does not necessarily imply endorsement",
"not necessarily endorse", "does not imply endorsement", "do not imply
endorsement", "is not an endorsement".

Like every text rule, only what a reader sees counts: not comments, not hidden
elements.

Fix: put the sentence back in the footer template, visible.
]],
  check = function(page, opts, report)
    -- "no links disclaimer in the visible text", as the core disclaimer rule words it
    disclaimer.require_sentence(page, opts, report, PHRASES, "links disclaimer")
  end,
}
