-- jsonld-article: article pages describe themselves as a schema.org article in
-- JSON-LD, the structured data search engines and aggregators read.
local news = require("lib.news")

return {
  id = "jsonld-article",
  summary = "Article pages carry schema.org NewsArticle (or another Article type) JSON-LD",
  severity = "warning",
  needs = { "meta", "jsonld", "tree-on-demand" },
  options = {
    types = {
      type = "string[]",
      default = news.ARTICLE_TYPES,
      doc = "the schema.org @type values that count as an article",
    },
    always = {
      type = "boolean",
      default = false,
      doc = "treat every page as an article page (set it for a folder through overrides)",
    },
  },
  docs = [[
Search engines, news aggregators and archive tools learn what an article is,
who wrote and published it, when, and what it is based on from its schema.org
structured data; Google's article guidelines ask news publishers for
`NewsArticle` in JSON-LD. A republished article without it is described by
whatever the crawler guesses.

An article page is a page with an <article> element or
<meta property="og:type" content="article">, or every page where `always` is
set (use `overrides` to name article folders). Such a page needs a
<script type="application/ld+json"> block that parses as JSON and holds an item
(top level, in a list, or in @graph) whose @type is one of `types`
(NewsArticle, Article, ReportageNewsArticle, BlogPosting...; a
"https://schema.org/" prefix is fine).

Fix: add to the <head>, e.g.
<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "...", "datePublished": "2022-01-26T10:57:36Z",
"isBasedOn": {"@type": "NewsArticle", "url": "https://original.example/story",
"publisher": {"@type": "Organization", "name": "CNN en Español"}}}</script>
]],
  check = function(page, opts, report)
    if not news.is_article_page(page, opts) then
      return
    end
    local items = news.items(page)
    if news.article(page, opts.types, items) then
      return
    end
    local fix = ": add <script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
      .. "\"@type\": \"NewsArticle\", \"headline\": ..., \"datePublished\": ..., \"isBasedOn\": ...}</script> "
      .. "to the <head> (options.types lists the accepted types)"
    local scripts = page:select('script[type="application/ld+json"]')
    local parsed = #page:jsonld()
    if parsed < #scripts then
      report{ message = (#scripts - parsed) .. " of the page's " .. #scripts
        .. " JSON-LD blocks do not parse as JSON, and no other block describes the article" .. fix }
      return
    end
    if #items > 0 then
      local seen = {}
      for _, item in ipairs(items) do
        for _, t in ipairs(news.types_of(item)) do
          seen[#seen + 1] = t
        end
      end
      report{ message = "the page's JSON-LD describes " .. (#seen > 0 and table.concat(seen, ", ") or "items without @type")
        .. " but no article" .. fix }
      return
    end
    report{ message = "no schema.org NewsArticle JSON-LD on this article page" .. fix }
  end,
}
