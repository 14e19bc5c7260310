-- lib/news: what the news-metadata pack's rules read from a page: its schema.org
-- JSON-LD items, the article among them, the visible "Source: NAME" lines and
-- outlet names compared the way a reader would (case, accents, spacing aside).
local M = {}

M.ARTICLE_TYPES = { "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
  "BackgroundNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle", "AskPublicNewsArticle",
  "SatiricalArticle", "BlogPosting", "LiveBlogPosting", "Report" }

-- Every JSON-LD item of the page: top-level objects, arrays of them, @graph members.
function M.items(page)
  local out = {}
  local function add(v)
    if type(v) ~= "table" then
      return
    end
    if v[1] ~= nil then
      for _, x in ipairs(v) do
        add(x)
      end
      return
    end
    out[#out + 1] = v
    if type(v["@graph"]) == "table" then
      add(v["@graph"])
    end
  end
  for _, block in ipairs(page:jsonld()) do
    add(block)
  end
  return out
end

-- The item's @type values (a string or a list), as a list.
function M.types_of(item)
  local t = item["@type"]
  if type(t) == "string" then
    return { t }
  end
  local out = {}
  if type(t) == "table" then
    for _, x in ipairs(t) do
      if type(x) == "string" then
        out[#out + 1] = x
      end
    end
  end
  return out
end

-- The first item whose @type is one of `types` (default ARTICLE_TYPES), or nil.
-- "schema:NewsArticle" and "https://schema.org/NewsArticle" count as NewsArticle.
function M.article(page, types, items)
  local wanted = {}
  for _, t in ipairs(types or M.ARTICLE_TYPES) do
    wanted[t] = true
  end
  for _, item in ipairs(items or M.items(page)) do
    for _, t in ipairs(M.types_of(item)) do
      if wanted[t:match("([%w_]+)$") or t] then
        return item
      end
    end
  end
  return nil
end

-- Whether the page presents an article: an <article> element, og:type article,
-- or `always` (set per folder through the config's overrides).
function M.is_article_page(page, opts)
  if opts.always then
    return true
  end
  local og = page:meta("og:type")
  if og and og:lower():find("article", 1, true) then
    return true
  end
  return page:select("article")[1] ~= nil
end

-- The host of an absolute http(s) or scheme-relative URL, lowercased; nil for
-- anything else (a relative URL names this site).
function M.host(url)
  if type(url) ~= "string" then
    return nil
  end
  local rest = url:match("^%s*[Hh][Tt][Tt][Pp][Ss]?:(//.*)") or url:match("^%s*(//.*)")
  local authority = rest and rest:match("^//([^/?#]*)")
  if not authority or authority == "" then
    return nil
  end
  authority = authority:match("@([^@]*)$") or authority
  return (authority:match("^([^:]+)") or authority):lower()
end

-- The visible "LABEL: ..." places: { at = position in page:text(), rest = the
-- normalized text after the colon (at most 120 bytes) }, at most 20.
function M.source_lines(page, labels)
  local out = {}
  for _, label in ipairs(labels) do
    local init = 1
    while #out < 20 do
      local s, e = page:find(label .. ":", init)
      if not s then
        break
      end
      -- "Resource:" is not a source line: the label starts a word.
      if s == 1 or not page:text(s - 1, s - 1):find("%w") then
        out[#out + 1] = { at = s, rest = page:text(e + 1, e + 120) }
      end
      init = e + 1
    end
  end
  table.sort(out, function(a, b) return a.at < b.at end)
  return out
end

-- The first word of a source line, as shown in messages.
function M.shown_name(rest)
  return rest:match("^%s*(%S+)") or ""
end

local ACCENTS   -- made on first use: most pages compare no names

local function accents()
  ACCENTS = ACCENTS or {
    ["à"] = "a", ["á"] = "a", ["â"] = "a", ["ã"] = "a", ["ä"] = "a", ["å"] = "a",
    ["è"] = "e", ["é"] = "e", ["ê"] = "e", ["ë"] = "e", ["ì"] = "i", ["í"] = "i",
    ["î"] = "i", ["ï"] = "i", ["ò"] = "o", ["ó"] = "o", ["ô"] = "o", ["õ"] = "o",
    ["ö"] = "o", ["ø"] = "o", ["ù"] = "u", ["ú"] = "u", ["û"] = "u", ["ü"] = "u",
    ["ñ"] = "n", ["ç"] = "c", ["ý"] = "y", ["ÿ"] = "y",
  }
  return ACCENTS
end

-- A name as compared: normalized, accents dropped, every run of other characters
-- than letters and digits one space ("CNN en Español" -> "cnn en espanol").
local function fold(page, s)
  local n = page:normalize(s):gsub("\195[\128-\191]", accents())
  return (n:gsub("[^%w]+", " "):match("^ *(.-) *$"))
end

-- The names one outlet goes by: `name`, and every name of an `aliases` group
-- ("cnnespanol | CNN en Español | CNN Español") that holds it.
local function names_of(page, name, aliases)
  local key = fold(page, name)
  local out = { name }
  for _, group in ipairs(aliases or {}) do
    local members, hit = {}, false
    for member in group:gmatch("[^|]+") do
      members[#members + 1] = member
      local f = fold(page, member)
      hit = hit or f == key or f:gsub(" ", "") == key:gsub(" ", "")
    end
    if hit then
      table.move(members, 1, #members, #out + 1, out)
    end
  end
  return out
end

-- Whether the visible text after "Source:" (`rest`) names the outlet `name`:
-- it starts with one of the outlet's names, word for word, or its first word is
-- one of them written together ("cnnespanol" for "CNN Español"). A host name
-- (is_host) also matches its labels: "reuters" for www.reuters.com.
function M.names_outlet(page, rest, name, aliases, is_host)
  local shown = fold(page, rest)
  local first = shown:match("^%S+") or ""
  for _, n in ipairs(names_of(page, name, aliases)) do
    local f = fold(page, n)
    if f ~= "" and (shown == f or shown:sub(1, #f + 1) == f .. " " or first == f:gsub(" ", "")) then
      return true
    end
  end
  if is_host then
    for label in name:lower():gmatch("[^.]+") do
      if label == first and label ~= "www" then
        return true
      end
    end
  end
  return false
end

-- The machine-readable names of the outlet the article comes from:
-- { name =, from = "isBasedOn.publisher.name", host = true|nil }.
function M.declared_sources(item)
  local out = {}
  local function org_name(v)
    if type(v) == "string" then
      return v
    end
    if type(v) == "table" and type(v.name) == "string" then
      return v.name
    end
    return nil
  end
  local src = org_name(item.sourceOrganization)
  if src then
    out[#out + 1] = { name = src, from = "sourceOrganization" }
  end
  local based = item.isBasedOn or item.isBasedOnUrl
  local key = item.isBasedOn and "isBasedOn" or "isBasedOnUrl"
  if type(based) == "table" and based[1] ~= nil then
    based = based[1]
  end
  if type(based) == "table" then
    local pub = org_name(based.publisher) or org_name(based.sourceOrganization)
    if pub then
      out[#out + 1] = { name = pub, from = key .. "." .. (based.publisher and "publisher" or "sourceOrganization") .. ".name" }
    elseif M.host(based.url or based["@id"]) then
      out[#out + 1] = { name = M.host(based.url or based["@id"]), from = key .. ".url", host = true }
    end
  elseif M.host(based) then
    out[#out + 1] = { name = M.host(based), from = key, host = true }
  end
  return out
end

-- The URL of the original the item is based on, or nil.
function M.based_on_url(item)
  local based = item.isBasedOn or item.isBasedOnUrl
  if type(based) == "table" and based[1] ~= nil then
    based = based[1]
  end
  if type(based) == "table" then
    based = based.url or based["@id"]
  end
  return M.host(based) and based or nil
end

return M
