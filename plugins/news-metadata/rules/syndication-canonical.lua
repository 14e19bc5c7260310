-- syndication-canonical: a syndicated copy tells search engines where the
-- original is (rel=canonical on another host) or keeps itself out of the index
-- (noindex), as Google's and Bing's syndication guidance asks.
local news = require("lib.news")

local function noindex(page)
  for _, name in ipairs({ "robots", "googlebot" }) do
    local v = page:meta(name)
    if v and v:lower():find("noindex", 1, true) then
      return true
    end
  end
  return false
end

return {
  id = "syndication-canonical",
  summary = "Syndicated pages have rel=canonical to the original article (another host) or noindex",
  severity = "warning",
  needs = { "text", "meta", "jsonld", "head" },
  options = {
    labels = {
      type = "string[]",
      default = { "Source", "Fuente", "Quelle" },
      doc = "the labels of the visible source line that mark a page as syndicated",
    },
    own_hosts = {
      type = "string[]",
      default = {},
      doc = "this site's hosts: a canonical link to one of them points at the copy, not the original (in audits the audited host counts too)",
    },
  },
  docs = [[
Search engines show one version of a story. A syndicated copy that does not say
which one is the original competes with it, and may be taken for the original
or dropped as a duplicate. Google's guidance for syndicated content asks the
partner to add <link rel="canonical"> pointing at the original article, or to
keep the copy out of the index with <meta name="robots" content="noindex">.

A page is syndicated when its visible text has a source line ("Source:
cnnespanol"; `labels`) or its JSON-LD has `isBasedOn`. Such a page needs one of:

- <link rel="canonical" href="https://original.example/story">: an absolute
  http(s) URL on another host than this site's (`own_hosts`, and the audited
  host in audits); a relative canonical points at the copy itself;
- <meta name="robots" content="noindex"> (or googlebot).

Fix: have the article template emit the original's URL from the feed item as
the canonical link (the JSON-LD isBasedOn URL, when there is one).
]],
  check = function(page, opts, report)
    local article = news.article(page)
    local original = article and news.based_on_url(article)
    local lines = news.source_lines(page, opts.labels)
    if #lines == 0 and not (article and (article.isBasedOn or article.isBasedOnUrl)) then
      return
    end
    if noindex(page) then
      return
    end
    local own = {}
    for _, h in ipairs(opts.own_hosts) do
      own[h:lower()] = true
    end
    if page.url and news.host(page.url) then
      own[news.host(page.url)] = true
    end
    local example = "<link rel=\"canonical\" href=\"" .. (original or "<the original article's URL>") .. "\">"
    local why = #lines > 0 and ("the visible \"" .. opts.labels[1] .. ":\" line") or "the JSON-LD isBasedOn"
    -- the first <link rel=canonical> (any case, white space around) decides
    local link = page:link_elements("canonical")[1]
    if link then
      local href = link.href or ""
      local host = news.host(href)
      if host and not own[host] then
        return
      end
      report{ node = link.node, message = "the canonical link '" .. href .. "' points at this copy, not at the original"
        .. " article (syndicated, by " .. why .. "): set it to the original's absolute URL, e.g. " .. example
        .. ", or add <meta name=\"robots\" content=\"noindex\">" }
      return
    end
    report{ message = "syndicated page (by " .. why .. ") without a canonical link to the original: add "
      .. example .. " to the <head>, or <meta name=\"robots\" content=\"noindex\">" }
  end,
}
