-- cookie-policy: pages that set cookies say how, in a cookie policy one click
-- away (ePrivacy Directive art. 5(3) with GDPR art. 13).
local required_link = require("lib.required_link")

return {
  id = "cookie-policy",
  summary = "Every page links to the cookie policy",
  severity = "warning",
  needs = { "links", "head" },
  options = {
    enabled = {
      type = "boolean",
      default = false,
      doc = "check every page (off by default: turn it on for sites that set non-essential cookies)",
    },
    languages = {
      type = "string[]",
      default = {},
      doc = "also check the pages whose <html lang> has one of these primary subtags (e.g. { \"de\", \"es\", \"fr\" })",
    },
    patterns = {
      type = "string[]",
      default = { "cookie policy", "cookies policy", "cookie-policy", "cookie notice", "política de cookies",
                  "politica-de-cookies", "cookie-richtlinie", "cookie richtlinie" },
      doc = "a link qualifies when its visible text or href contains one of these (case-insensitively)",
    },
  },
  docs = [[
The EU ePrivacy Directive (2002/58/EC, art. 5(3), as transposed: Germany's
TDDDG § 25, Spain's LSSI art. 22.2, the UK's PECR reg. 6) lets a site store
cookies only with clear and comprehensive information about them, and GDPR
art. 13 says what that information holds; the data protection authorities ask
for it in a cookie policy reachable from every page, not only from the consent
banner.

The rule checks nothing until the config sets `enabled = true` (or lists page
languages in `languages`). Then every page needs a visible link whose text or
href contains one of `patterns` ("Cookie policy", "Política de cookies",
"Cookie-Richtlinie"...), with an href that is not empty, "#" or "javascript:",
that resolves in the same tree (2xx in audits), exactly as privacy-link checks
the privacy policy link.

Fix: add to the footer, e.g. <a href="/cookies.html">Cookie policy</a>.
]],
  check = function(page, opts, report)
    required_link.require_by_law(page, opts, report, {
      title = "cookie policy",
      why = "ePrivacy Directive art. 5(3)",
      example = '<a href="/cookies.html">Cookie policy</a>',
    })
  end,
}
