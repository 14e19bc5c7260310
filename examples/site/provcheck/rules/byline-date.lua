-- byline-date: an example custom rule. Articles show when they were published in a
-- machine-readable <time datetime>, and it agrees with the article's JSON-LD.
return {
  id = "byline-date",
  summary = "Articles show their publication date in a <time datetime> element",
  severity = "warning",
  options = {
    selector = {
      type = "string",
      default = "article time[datetime]",
      doc = "CSS selector of the element holding the publication date",
    },
    match_jsonld = {
      type = "boolean",
      default = true,
      doc = "when the page has NewsArticle JSON-LD with datePublished, the date shown must equal it",
    },
  },
  docs = [[
Republished articles keep their original publication date. Readers see it in the
byline, and search engines read it from the JSON-LD; both must be there and agree.

Fix: add <time datetime="2022-01-26T10:57:36.890Z">...</time> to the article's
byline, with the same value as datePublished in the page's NewsArticle JSON-LD.
]],
  check = function(page, opts, report)
    local times = page:select(opts.selector)
    if #times == 0 then
      report{ message = "no publication date: expected an element matching '" .. opts.selector .. "'" }
      return
    end
    if not opts.match_jsonld then
      return
    end
    local shown = times[1]:attr("datetime")
    for _, block in ipairs(page:jsonld()) do
      local items = block["@graph"] or { block }
      for _, item in ipairs(items) do
        if type(item) == "table" and item["@type"] == "NewsArticle"
           and type(item.datePublished) == "string" then
          if item.datePublished ~= shown then
            report{ message = "the date shown (" .. tostring(shown) .. ") differs from the JSON-LD datePublished ("
                              .. item.datePublished .. ")", node = times[1] }
          end
          return
        end
      end
    end
  end,
}
