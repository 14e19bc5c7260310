-- disclosure: a page that is machine-translated or AI-generated says so where
-- the reader reads the article (EU AI Act Art. 50(4), from 2 August 2026).

local provenance = require("lib.provenance")

-- Why the page counts as machine-made: a list of short reasons, empty when
-- nothing marks it.
local function marking(page, opts)
  local reasons = {}
  local glob = provenance.path_glob(page, opts.pages)
  if glob then
    reasons[#reasons + 1] = 'its path matches options.pages "' .. glob .. '"'
  end
  local engine = provenance.engine_in(page:meta("generator"), opts.engines)
  if engine then
    reasons[#reasons + 1] = '<meta name="generator"> names ' .. engine
  end
  for _, item in ipairs(provenance.items(page)) do
    local people, machines = provenance.translators(item, opts.engines)
    if #machines > 0 then
      reasons[#reasons + 1] = 'JSON-LD translator "' .. machines[1] .. '"'
    elseif #people == 0 then
      local why = provenance.translation_of(page, item)
      if why then
        reasons[#reasons + 1] = why .. ", no human translator"
      end
    end
    for _, code in ipairs(provenance.source_types_in(item, opts.source_types)) do
      reasons[#reasons + 1] = "IPTC digitalSourceType " .. code
    end
  end
  return reasons
end

-- The text without white space at either end.
local function trim(s)
  local first = s:find("%S")
  if not first then
    return ""
  end
  local last = #s
  while s:byte(last) == 32 do
    last = last - 1
  end
  return s:sub(first, last)
end

-- Where the article's text lies in page:text(): located by its first and last
-- 40 characters. nil when it cannot be placed (then only text inside counts).
local function article_span(page, node)
  local text = trim(page:normalize(node:text()))
  if text == "" or utf8.len(text) == nil then
    return nil
  end
  local head = text:sub(1, (utf8.offset(text, 41) or #text + 1) - 1)
  local tail = text:sub(utf8.offset(text, -40) or 1)
  local s = page:find(head)
  local ts, te = nil, nil
  if s then
    ts, te = page:find(tail, s)
  end
  return s and ts and s or nil, te
end

-- Whether `phrase` occurs in the visible text between first and last.
local function occurs_within(page, phrase, first, last)
  local init = math.max(first, 1)
  for _ = 1, 100 do
    local s, e = page:find(phrase, init)
    if not s or s > last then
      return false
    end
    if e >= first then
      return true
    end
    init = s + 1
  end
  return false
end

-- The element that holds the article: the first <article> with a headline
-- (teaser cards in a sidebar are <article>s too), else the first <article>,
-- else <main>, else [role="main"].
local function main_article(page)
  local articles = page:select("article")
  for _, a in ipairs(articles) do
    if #a:select("h1") > 0 then
      return a
    end
  end
  return articles[1] or page:select("main")[1] or page:select('[role="main"]')[1]
end

local function example_sentence(page)
  if provenance.page_lang(page, nil) == "es" then
    return '"Este artículo fue traducido automáticamente."'
  end
  return '"This article was translated automatically."'
end

return {
  id = "disclosure",
  summary = "Machine-translated or AI-generated articles carry a visible disclosure near the article",
  severity = "error",
  needs = { "text", "meta", "jsonld", "head", "tree-on-demand" },
  options = {
    pages = {
      type = "string[]",
      default = {},
      doc = "globs of pages the site publishes as machine-translated or AI-generated (matched against the page path, as in overrides)",
    },
    phrases = {
      type = "string[]",
      default = provenance.DISCLOSURE_PHRASES,
      doc = "accepted disclosure wording (any one will do); compared after normalization",
    },
    engines = {
      type = "string[]",
      default = provenance.ENGINES,
      doc = "names of translation/AI engines: one in <meta name=\"generator\"> or as a JSON-LD translator marks the page",
    },
    source_types = {
      type = "string[]",
      default = provenance.AI_SOURCE_TYPES,
      doc = "IPTC digitalSourceType codes that mark the page (the IPTC IRI, the bare code or schema.org's ...DigitalSource name)",
    },
    near = {
      type = "integer",
      default = 100,
      doc = "how many characters of visible text before or after the article still count as near it",
    },
    human_reviewed = {
      type = "boolean",
      default = false,
      doc = "a person edited these pages under editorial responsibility: no visible disclosure required (set it in an override for the reviewed sections)",
    },
    human_reviewed_pages = {
      type = "string[]",
      default = {},
      doc = "globs of pages a person edited under editorial responsibility (same effect as human_reviewed)",
    },
  },
  docs = [[
EU AI Act Article 50(4), applicable from 2 August 2026: text that is
artificially generated or manipulated and published to inform the public on
matters of public interest must say so. Machine translation counts, unless a
person reviewed or edited it under editorial responsibility.

A page is marked as machine-made when any of these holds:

- its path matches one of `pages` (globs, as in overrides);
- its JSON-LD declares `translationOfWork`, or an `isBasedOn` whose
  `inLanguage` differs from the page's (`inLanguage` of the item, else
  `<html lang>`, compared by primary subtag), and names no human `translator`
  (a Person, an Organization or a name that is not one of `engines`);
- its JSON-LD names a `translator` that is software (SoftwareApplication) or
  one of `engines`;
- its JSON-LD `digitalSourceType` is one of `source_types` (default
  trainedAlgorithmicMedia, compositeWithTrainedAlgorithmicMedia,
  algorithmicMedia, algorithmicallyEnhanced, compositeSynthetic; as
  http://cv.iptc.org/newscodes/digitalsourcetype/CODE, the bare CODE or
  schema.org's CodeDigitalSource). Only the page's own items count, not an
  image nested inside them;
- `<meta name="generator">` names one of `engines` (DeepL, Google Translate,
  ChatGPT...).

A marked page must show one of `phrases` (English, Spanish, German and French
defaults such as "translated automatically", "machine-translated",
"generated with AI", "traducido automáticamente", "generado con IA") in its
visible text, inside the article (the first `<article>` holding an `<h1>`, else
the first `<article>`, else `<main>`, else `[role="main"]`) or within `near` characters (default 100) of the article's
text: a banner just above the headline or a note under the last paragraph. A
notice only in the site footer or the masthead is not near the article. A page
without any of those elements accepts the phrase anywhere visible.

`human_reviewed = true` (in an override for the sections an editor reviews) or
`human_reviewed_pages` lifts the requirement: record there what a person edited
under editorial responsibility.

Fix: add the notice to the article template, e.g.
<p class="ai-notice">This article was translated automatically from Spanish.</p>
right under the headline.
]],
  check = function(page, opts, report)
    if opts.human_reviewed or provenance.path_glob(page, opts.human_reviewed_pages) then
      return
    end
    local reasons = marking(page, opts)
    if #reasons == 0 then
      return
    end
    local why = "this page is marked as machine-translated or AI-generated ("
                .. table.concat(reasons, "; ") .. ")"
    local node = main_article(page)
    local first, last = 1, math.huge
    if node then
      first, last = article_span(page, node)
      if first then
        first, last = first - opts.near, last + opts.near
      end
    end
    local shown_elsewhere = nil
    for _, phrase in ipairs(opts.phrases) do
      if first and occurs_within(page, phrase, first, last) then
        return
      end
      if not first and page:normalize(node:text()):find(page:normalize(phrase), 1, true) then
        return
      end
      if not shown_elsewhere and page:contains(phrase) then
        shown_elsewhere = phrase
      end
    end
    if shown_elsewhere then
      report{ message = 'the AI disclosure "' .. shown_elsewhere .. '" is on the page but not near the article: '
                        .. why .. "; move it into the <article> or within " .. opts.near
                        .. " characters above or below it" }
      return
    end
    for _, phrase in ipairs(opts.phrases) do
      local hidden_by = page:hidden_text(phrase)
      if hidden_by then
        report{ message = 'the AI disclosure "' .. phrase .. '" is in the page but hidden by ' .. hidden_by
                          .. ": " .. why .. "; make it visible near the article" }
        return
      end
    end
    report{ message = "no visible AI disclosure: " .. why .. "; add a sentence such as "
                      .. example_sentence(page) .. " inside the <article> or within " .. opts.near
                      .. " characters of it (options.phrases lists the accepted wording)" }
  end,
}
