-- copyright-year: a copyright notice older than the article it sits under tells
-- the reader the page (or its rights statement) is stale.
local news = require("lib.news")

-- The publication year: JSON-LD datePublished, else article:published_time.
local function publication(page)
  local article = news.article(page)
  local value = article and article.datePublished
  if type(value) ~= "string" then
    value = page:meta("article:published_time")
  end
  if type(value) ~= "string" then
    return nil
  end
  local t = date.parse(value)
  return t and date.parts(t).year, value
end

-- The latest year of each visible copyright notice: "© 2019", "© Communities
-- 2019", "Copyright 2019-2022" (the year within 40 bytes of the sign or word).
local function notices(page)
  local out = {}
  for _, mark in ipairs({ "©", "copyright" }) do
    local init = 1
    while #out < 20 do
      local s, e = page:find(mark, init)
      if not s then
        break
      end
      local window = page:text(e + 1, e + 40)
      local y1 = window:match("^%D-(%d%d%d%d)")
      if y1 then
        local y2 = window:match("^%D-%d%d%d%d%s*[-/]%s*(%d%d%d%d)")
        local year = math.max(tonumber(y1), tonumber(y2) or 0)
        if year >= 1900 and year < 2200 then
          out[#out + 1] = { at = s, year = year }
        end
      end
      init = e + 1
    end
  end
  return out
end

return {
  id = "copyright-year",
  summary = "A visible copyright year is not older than the article's publication year",
  severity = "warning",
  needs = { "text", "meta", "jsonld" },
  docs = [[
A page whose footer says "© Communities 2019" under an article published in
2022 states a rights year that predates the text it covers: usually a footer
template nobody updated, sometimes a claim over republished content that the
original outlet owns. Either way the reader and the rights holder see a stale
statement.

The rule takes the publication year from the JSON-LD article item's
`datePublished` (else <meta property="article:published_time">) and every
visible copyright notice: "©" or "Copyright" followed, within 40 bytes, by a
year or a range ("© 2019-2022" counts as 2022). It reports when the latest
such year is older than the publication year. Pages without a publication date
or without a copyright year are not checked.

Fix: print the current year (or a range from the first year) in the footer
template, e.g. "© 2019-2022 Communities", or show the original outlet's
copyright for republished text.
]],
  check = function(page, opts, report)
    local found = notices(page)
    if #found == 0 then
      return
    end
    local year, value = publication(page)
    if not year then
      return
    end
    local latest = found[1]
    for _, n in ipairs(found) do
      if n.year > latest.year then
        latest = n
      end
    end
    if latest.year < year then
      report{ at = latest.at, message = "the visible copyright year " .. latest.year
        .. " is older than the article's publication year " .. year .. " (" .. value .. "): write \"© " .. year
        .. "\" or the range \"© " .. latest.year .. "-" .. year .. "\" in the footer, or show the original outlet's copyright" }
    end
  end,
}
