-- date-published: the article's JSON-LD says when it was published, in a form
-- machines read, and not in the future of the run (the clock is page:now(), set
-- by --now for reproducible runs).
local news = require("lib.news")

-- A visible <time datetime> to suggest in the message, or a sample value.
local function suggestion(page)
  local t = page:select("time[datetime]")[1]
  return t and t:attr("datetime") or "2022-01-26T10:57:36Z"
end

return {
  id = "date-published",
  summary = "The article's JSON-LD datePublished is present, valid, not in the future, and dateModified not before it",
  severity = "warning",
  needs = { "jsonld", "tree-on-demand" },
  options = {
    tolerance_minutes = {
      type = "integer",
      default = 5,
      doc = "how far ahead of the run's time a date may be (clock skew between the CMS and the check)",
    },
  },
  docs = [[
Search engines and news aggregators sort and date articles by the JSON-LD
`datePublished`; a missing or unreadable one leaves them guessing, and one in
the future (a scheduled article published early, a local time written with
the wrong zone) shows the reader a date that has not happened yet. A
`dateModified` before `datePublished` is a template or feed error.

The rule reads the article item of the JSON-LD (see jsonld-article; pages
without one are that rule's finding, not this one's). `datePublished` must be
there and parse as an ISO 8601 date or date-time (the forms of
<time datetime>, with a time zone: "2022-01-26T10:57:36.890Z",
"2022-01-26T11:57:36+01:00", "2022-01-26"); it must not be later than the
run's time plus `tolerance_minutes`. The run's time is the time the run
started, or `--now TIME` / the config's `now` for reproducible runs. A
`dateModified`, when present, must parse, must not be in the future either,
and must not be before `datePublished`.

Fix: emit the CMS's publication time in ISO 8601 with its time zone, e.g.
"datePublished": "2022-01-26T10:57:36Z".
]],
  check = function(page, opts, report)
    local article = news.article(page)
    if not article then
      return
    end
    local published = article.datePublished
    if published == nil then
      report{ message = "the article's JSON-LD has no datePublished: add \"datePublished\": \""
        .. suggestion(page) .. "\" (ISO 8601, with its time zone) to the " .. news.types_of(article)[1] .. " item" }
      return
    end
    local limit = page:now() + opts.tolerance_minutes * 60
    local function read(field, value)
      if type(value) ~= "string" then
        report{ message = "the JSON-LD " .. field .. " is not a string: write it as \"" .. suggestion(page) .. "\" (ISO 8601)" }
        return nil
      end
      local t, why = date.parse(value)
      if not t then
        report{ message = "the JSON-LD " .. field .. " \"" .. value .. "\" is not an ISO 8601 date (" .. tostring(why)
          .. "): write it as \"" .. suggestion(page) .. "\"" }
        return nil
      end
      if t > limit then
        report{ message = "the JSON-LD " .. field .. " " .. value .. " is in the future (the run's time is "
          .. date.format(page:now()) .. "): correct the date or its time zone"
          .. (field == "datePublished" and ", or publish the article when it is due" or "") }
      end
      return t
    end
    local p = read("datePublished", published)
    if article.dateModified ~= nil then
      local m = read("dateModified", article.dateModified)
      if p and m and m < p then
        report{ message = "the JSON-LD dateModified " .. article.dateModified .. " is before datePublished "
          .. published .. ": set dateModified to the time of the last edit (or to datePublished if never edited)" }
      end
    end
  end,
}
