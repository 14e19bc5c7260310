-- privacy-link: the page links to its privacy policy, and the link works.

local required_link = require("lib.required_link")

return {
  id = "privacy-link",
  summary = "The page has a visible, working link to the privacy policy",
  severity = "error",
  needs = { "links" },
  options = {
    patterns = {
      type = "string[]",
      default = { "privacy" },
      doc = "a link qualifies when its visible text or href contains one of these (case-insensitively)",
    },
  },
  docs = [[
Every page must carry a visible link to the privacy policy, usually in the
footer. A link qualifies when its visible text or its href contains one of the
`patterns` (default "privacy"), case-insensitively, and its href is not empty,
"#" or "javascript:". Hidden links (display:none, the hidden attribute,
aria-hidden) do not count.

In repository checks a relative or root-relative href must point to a file
that exists in the same tree (a folder means its index.html); absolute http(s)
URLs are accepted without fetching them. In audits the target must answer 2xx.

When the page has qualifying links but none of them resolves, each broken one
is reported at its <a>. When there is none at all, the finding points at the
page's <article>, else <body>.

Fix: add or repair the footer link, e.g. <a href="/privacy.html">Privacy</a>.
]],
  check = function(page, opts, report)
    required_link.require(page, opts.patterns, report, {
      name = "the privacy link",
      missing = "no visible link to the privacy policy (text or href containing '"
        .. table.concat(opts.patterns, "' or '") .. "')",
    })
  end,
}
