-- do-not-sell: the California opt-out link (CCPA/CPRA) on every page, once the
-- config says the site sells or shares personal information.
local required_link = require("lib.required_link")

return {
  id = "do-not-sell",
  summary = "Every page links to the California \"Do Not Sell or Share My Personal Information\" opt-out",
  severity = "warning",
  needs = { "links", "head" },
  options = {
    enabled = {
      type = "boolean",
      default = false,
      doc = "check every page (off by default: only a business that sells or shares personal information of California residents needs the link)",
    },
    patterns = {
      type = "string[]",
      default = { "do not sell", "do-not-sell", "your privacy choices", "your california privacy choices",
                  "no vender ni compartir" },
      doc = "a link qualifies when its visible text or href contains one of these (case-insensitively)",
    },
  },
  docs = [[
California's CCPA as amended by the CPRA (Cal. Civ. Code § 1798.120 and
§ 1798.135(a)) requires a business that sells or shares consumers' personal
information (third-party advertising cookies count as sharing) to offer a
clear and conspicuous link titled "Do Not Sell or Share My Personal
Information" on its homepage and wherever it collects personal information; the
regulations (Cal. Code Regs. tit. 11, § 7015) also accept the alternative
"Your Privacy Choices" / "Your California Privacy Choices" link with the opt-out
icon beside it.

The rule checks nothing until the config sets `enabled = true` (for the whole
site, or for some pages through `overrides`). Then every page needs a visible
link whose text or href contains one of `patterns` (English, the alternative
wording, and the Spanish "No vender ni compartir mi información personal"),
with an href that is not empty, "#" or "javascript:". In repository checks a
relative href must point to a file of the same tree; in audits the target must
answer 2xx: exactly as privacy-link checks the privacy policy link.

Fix: add to the footer, e.g.
<a href="/do-not-sell.html">Do Not Sell or Share My Personal Information</a>.
]],
  check = function(page, opts, report)
    required_link.require_by_law(page, opts, report, {
      title = "\"Do Not Sell or Share My Personal Information\"",
      why = "California CCPA/CPRA, Civ. Code § 1798.135",
      example = '<a href="/do-not-sell.html">Do Not Sell or Share My Personal Information</a>',
    })
  end,
}
