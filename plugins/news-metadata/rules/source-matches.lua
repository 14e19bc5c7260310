-- source-matches: the outlet the JSON-LD credits is the outlet the reader sees
-- credited, so search engines and readers are told the same story.
local news = require("lib.news")

return {
  id = "source-matches",
  summary = "JSON-LD isBasedOn / sourceOrganization names the outlet of the visible \"Source:\" line",
  severity = "warning",
  needs = { "text", "jsonld" },
  options = {
    labels = {
      type = "string[]",
      default = { "Source", "Fuente", "Quelle" },
      doc = "the labels of the visible source line (\"Source: NAME\"), case-insensitively",
    },
    aliases = {
      type = "string[]",
      default = {},
      doc = "groups of names of one outlet, separated by '|', e.g. \"cnnespanol | CNN en Español | CNN Español | cnnespanol.cnn.com\"",
    },
  },
  docs = [[
A republished article names its source twice: for the reader, in a visible
line such as "Source: cnnespanol", and for machines, in the article's JSON-LD
(`sourceOrganization`, or the `publisher` of the `isBasedOn` work, or the host
of the `isBasedOn` URL). When the two disagree, search engines and aggregators
credit an outlet the page does not: the template filled one from the wrong
feed field.

The rule looks at the JSON-LD article item (see jsonld-article) and the
visible "LABEL: NAME" lines (`labels`). Names are compared after normalization
(case, accents, punctuation and spacing aside): "CNN Español" matches
"Source: cnnespanol" written together; a host matches one of its labels
("reuters" for www.reuters.com). Outlets known under other names are listed in
`aliases`, one group per outlet: "cnnespanol | CNN en Español".

Findings: a declared source that the visible line does not name; a visible
source line with no machine-readable counterpart in the article's JSON-LD; a
declared source with no visible source line. A page with neither is not a
republished article and is not checked.

Fix: correct the template so both come from the same feed field, or add the
outlet's other name to `aliases`.
]],
  check = function(page, opts, report)
    local article = news.article(page)
    local lines = news.source_lines(page, opts.labels)
    local declared = article and news.declared_sources(article) or {}
    if #declared == 0 then
      if article and #lines > 0 then
        local shown = news.shown_name(lines[1].rest)
        report{ at = lines[1].at, message = "the visible source \"" .. shown .. "\" has no machine-readable counterpart:"
          .. " add \"isBasedOn\": {\"@type\": \"NewsArticle\", \"url\": \"<the original's URL>\", \"publisher\":"
          .. " {\"@type\": \"Organization\", \"name\": \"" .. shown .. "\"}} (or \"sourceOrganization\") to the article's JSON-LD" }
      end
      return
    end
    if #lines == 0 then
      report{ message = "the JSON-LD names the source \"" .. declared[1].name .. "\" (" .. declared[1].from
        .. ") but the page shows no visible source line: add <p>" .. opts.labels[1] .. ": "
        .. declared[1].name .. "</p> to the article (options.labels lists the accepted labels)" }
      return
    end
    for _, d in ipairs(declared) do
      local named = false
      for _, line in ipairs(lines) do
        if news.names_outlet(page, line.rest, d.name, opts.aliases, d.host) then
          named = true
          break
        end
      end
      if not named then
        report{ at = lines[1].at, message = "the visible source \"" .. news.shown_name(lines[1].rest)
          .. "\" is not the outlet the JSON-LD names in " .. d.from .. " (\"" .. d.name .. "\"): correct one of them,"
          .. " or list both names of the outlet in options.aliases (e.g. \"" .. news.shown_name(lines[1].rest)
          .. " | " .. d.name .. "\")" }
      end
    end
  end,
}
