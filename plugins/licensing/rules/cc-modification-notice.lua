-- cc-modification-notice: adapted Creative Commons content says that it was
-- changed, as the BY licenses require ("indicate if You modified").

local cc = require("lib.cc_license")

return {
  id = "cc-modification-notice",
  summary = "Translated or modified Creative Commons content says that it was changed",
  severity = "warning",
  needs = { "text", "jsonld", "head" },
  options = cc.options({
    modification_notice = {
      type = "string[]",
      default = {
        "translated from", "translated automatically from", "automatically translated from",
        "machine-translated from", "translation of", "adapted from", "modified from",
        "changes were made", "traducido del", "traducido de", "traducida del", "traducida de",
        "traducción del", "traducido automáticamente del", "adaptado de",
        "se han realizado cambios", "übersetzt aus", "traduit de",
      },
      doc = "visible wording that tells the reader the content was changed (any one will do)",
    },
  }),
  docs = [[
The Creative Commons BY licenses that allow adaptations (CC BY, BY-SA,
BY-NC, BY-NC-SA) ask the adapter to say so: 4.0 section 3(a)(1)(B) "indicate
if You modified the Licensed Material", 3.0 section 4(b) credits a translation
as e.g. "French translation of the Work by Original Author". ND licenses are
`cc-no-derivatives`' concern; CC0 asks for nothing.

The license and whether the page adapts the content are decided as in
`cc-no-derivatives` (`sources`, JSON-LD `isBasedOn`, `derivative_pages`). An
adapting page must show one of `modification_notice` (default "translated
from", "adapted from", "changes were made", "traducido del", ...) in its
visible text.

Fix: add a notice near the credit line, e.g. "Translated from the original
Spanish article by CNN en Español; changes were made."
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
    local elements = "-" .. found.license.elements .. "-"
    if found.license.elements == "zero" or elements:find("-nd-", 1, true) then
      return
    end
    local why = cc.derivative(page, opts, nil)
    if not why then
      return
    end
    for _, phrase in ipairs(opts.modification_notice) do
      if page:contains(phrase) then
        return
      end
    end
    report{ message = cc.label(found.license) .. " content from " .. found.source .. " adapted without a modification notice ("
                      .. why .. '): the license asks you to indicate the changes; add a visible sentence such as "Translated from the original article by '
                      .. found.source .. '" near the article (options.modification_notice lists the accepted wording)' }
  end,
}
