-- impressum: German-language sites name who is responsible for them, one click
-- away from every page (the Impressum of DDG § 5, formerly TMG § 5).
local required_link = require("lib.required_link")

return {
  id = "impressum",
  summary = "German-language pages link to the Impressum (legal notice)",
  severity = "warning",
  needs = { "links", "head" },
  options = {
    enabled = {
      type = "boolean",
      default = false,
      doc = "check every page, whatever its language",
    },
    languages = {
      type = "string[]",
      default = { "de" },
      doc = "check the pages whose <html lang> has one of these primary subtags (\"de\" covers de-DE, de-AT, de-CH)",
    },
    patterns = {
      type = "string[]",
      default = { "impressum", "anbieterkennzeichnung", "legal notice", "legal-notice", "aviso legal", "aviso-legal" },
      doc = "a link qualifies when its visible text or href contains one of these (case-insensitively)",
    },
  },
  docs = [[
Germany's Digital Services Act implementation (Digitale-Dienste-Gesetz, DDG
§ 5, which replaced Telemediengesetz § 5 in May 2024) requires the provider of a
commercial online service to keep its name, address and contact details
"easily recognisable, directly accessible and constantly available": in
practice a link labelled "Impressum" on every page. Austria (ECG § 5, MedienG
§ 25) and Switzerland ask the same of German-language sites; Spain's LSSI
art. 10 asks for an "Aviso legal".

The rule checks the pages whose <html lang> has a primary subtag in
`languages` (default "de"), or every page with `enabled = true`. Such a page
needs a visible link whose text or href contains one of `patterns`, with an
href that is not empty, "#" or "javascript:", that resolves in the same tree
(2xx in audits), exactly as privacy-link checks the privacy policy link.

Fix: add to the footer, e.g. <a href="/impressum.html">Impressum</a>.
]],
  check = function(page, opts, report)
    required_link.require_by_law(page, opts, report, {
      title = "Impressum",
      why = "German DDG § 5",
      example = '<a href="/impressum.html">Impressum</a>',
    })
  end,
}
