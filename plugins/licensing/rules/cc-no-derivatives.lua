-- cc-no-derivatives: NoDerivatives content is republished unmodified: a
-- translation is an adaptation, which an ND license does not allow to share.

local cc = require("lib.cc_license")
local provenance = require("lib.provenance")

return {
  id = "cc-no-derivatives",
  summary = "Content under a NoDerivatives license is not published translated or modified",
  severity = "error",
  needs = { "text", "jsonld", "head" },
  options = cc.options({
    derivative_phrases = {
      type = "string[]",
      default = provenance.DISCLOSURE_PHRASES,
      doc = "visible wording that says the page is a translation or a machine-made adaptation",
    },
  }),
  docs = [[
Creative Commons NoDerivatives licenses (CC BY-ND, CC BY-NC-ND; 4.0 section
2(a)(1)(B)) allow sharing the work only unmodified: a translation is an
adaptation (4.0 section 1(a)), as is a rewrite or a cut. Publishing one needs
the licensor's permission.

The license comes from `sources` ("NAME = LICENSE", matched against the
visible "Source: NAME" line or the JSON-LD `isBasedOn` publisher) or from the
`isBasedOn` object's `license`, as in `cc-attribution`. A page adapts the
content when:

- its path matches one of `derivative_pages`;
- its JSON-LD says it is a translation (`translationOfWork`, or an
  `isBasedOn` whose `inLanguage` differs from the page's), as the
  ai-transparency pack decides;
- or its visible text says so (one of `derivative_phrases`, by default the
  ai-transparency disclosure wording such as "translated automatically").

Fix: publish the original unmodified (in its language, with its attribution),
or obtain the licensor's permission and record it with a suppression that
names it: `<!-- provcheck-disable licensing/cc-no-derivatives -- permission LEGAL-42 -->`.
]],
  check = function(page, opts, report)
    local found = cc.resolve(page, opts)
    if not found then
      return
    end
    if found.problem then
      report{ message = found.problem }
      return
    end
    if not ("-" .. found.license.elements .. "-"):find("-nd-", 1, true) then
      return
    end
    local why = cc.derivative(page, opts, opts.derivative_phrases)
    if why then
      report{ message = cc.label(found.license) .. " content from " .. found.source .. " (" .. found.from
                        .. ") published as a derivative (" .. why .. "): a NoDerivatives license allows only unmodified copies, and a translation is an adaptation; publish the original unmodified, or get the licensor's permission and record it in a provcheck-disable comment naming it" }
    end
  end,
}
