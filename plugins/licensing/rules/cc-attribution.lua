-- cc-attribution: republished Creative Commons content carries the attribution
-- the license asks for: title, author, source and license (TASL).

local cc = require("lib.cc_license")
local provenance = require("lib.provenance")

local function host_of(url)
  if type(url) ~= "string" or #url > 2000 then
    return nil
  end
  local host = url:match("^%s*[hH][tT][tT][pP][sS]?://([^/?#]+)")
  return host and host:gsub("^.*@", ""):gsub(":%d*$", ""):lower() or nil
end

local function has_visible(page, css)
  for _, node in ipairs(page:select(css)) do
    if node:visible() and node:text():find("%S") then
      return true
    end
  end
  return false
end

-- The original's title: a visible headline, or the isBasedOn name shown.
local function has_title(page, original)
  if has_visible(page, "h1") then
    return true
  end
  local name = original and (provenance.name_of(original) or provenance.name_of(original.headline))
  return name ~= nil and page:contains(name)
end

-- The creator: a visible author element, or an author/creator the JSON-LD names
-- that the reader sees.
local function has_author(page, opts, original)
  if has_visible(page, opts.author_selector) then
    return true
  end
  for _, key in ipairs({ "author", "creator" }) do
    for _, who in ipairs(provenance.list(original and original[key])) do
      local name = provenance.name_of(who)
      if name and name:find("%S") and page:contains(name) then
        return true
      end
    end
  end
  return false
end

-- A visible link to the original: its isBasedOn URL's host, or a host that
-- contains the source's name ("cnnespanol" in cnnespanol.cnn.com).
local function has_source_link(page, source, original)
  local want_host = original and host_of(provenance.list(original.url or original["@id"])[1])
  local token = source:lower():gsub("[^%w]", "")
  for _, link in ipairs(page:links()) do
    local host = link.visible and host_of(link.href)
    if host and (host == want_host or (#token >= 3 and host:gsub("[^%w]", ""):find(token, 1, true))) then
      return true
    end
  end
  return false
end

-- nil when a visible link to the license's deed is there; else { missing = }
-- or { wrong = } saying what is wrong with it.
local function license_link(page, lic)
  local other = nil
  for _, link in ipairs(page:links()) do
    local found = link.visible and cc.parse_url(link.href)
    if found and cc.same(found, lic) then
      return nil
    end
    other = other or found
  end
  if other then
    return { wrong = "the license link points to " .. cc.label(other) .. ", not " .. cc.label(lic) }
  end
  for _, node in ipairs(page:select('link[rel="license"]')) do
    local found = cc.parse_url(node:attr("href"))
    if found and cc.same(found, lic) then
      return { missing = "a visible license link (it is only in <head>, which readers do not see)" }
    end
  end
  return { missing = "the license link" }
end

return {
  id = "cc-attribution",
  summary = "Republished Creative Commons content carries title, author, source link and license link",
  severity = "error",
  needs = { "text", "links", "jsonld", "tree-on-demand" },
  options = cc.options({
    author_selector = {
      type = "string",
      default = '[rel="author"], [itemprop="author"], .author, .byline-author',
      doc = "CSS selector of a visible element that credits the author",
    },
  }),
  docs = [[
Creative Commons licenses (BY and every BY-* variant, 4.0 section 3(a); 3.0
section 4) let you republish on condition that you credit the work: its title,
its author (creator), a link to the original (source) and a link to the
license (TASL). CC0 asks for nothing and is not checked.

The rule applies to a page when it republishes CC content:

- the visible source line ("Source: NAME", labels in `labels`) or the JSON-LD
  `isBasedOn` publisher (or `sourceOrganization`) names a source listed in
  `sources` as "NAME = LICENSE", e.g. `sources = { "cnnespanol = CC BY 4.0",
  "efe = CC BY-ND 4.0" }` (names compared after normalization);
- or the JSON-LD `isBasedOn` object has a `license` that is a
  creativecommons.org license URL or name.

Such a page must carry, visible to the reader:

- the title: a visible `<h1>`, or the `isBasedOn` name in the text;
- the author: an element matching `author_selector` with text, or an
  `author` / `creator` of `isBasedOn` whose name appears in the text;
- a source link: a visible `<a href>` to the host of the `isBasedOn` URL, or
  to a host containing the source's name (cnnespanol.cnn.com for cnnespanol);
- a license link: a visible `<a href>` to the license's deed on
  creativecommons.org (`rel="license"` is good practice) for the same license
  elements and version: a BY-SA link for BY content is wrong, as is 3.0 for 4.0.
  A `<link rel="license">` in `<head>` alone is not visible attribution.

All missing parts are listed in one finding.

Fix: add a credit line under the article, e.g.
<p class="credit">"Lavrov advierte..." by <span class="author">Jane Doe</span>,
<a href="https://cnnespanol.cnn.com/...">CNN en Español</a>, licensed under
<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>
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
    local lic = found.license
    if lic.elements == "zero" then
      return
    end
    local missing = {}
    if not has_title(page, found.original) then
      missing[#missing + 1] = "the title (a visible headline)"
    end
    if not has_author(page, opts, found.original) then
      missing[#missing + 1] = "the author (creator)"
    end
    if not has_source_link(page, found.source, found.original) then
      missing[#missing + 1] = "a link to the original"
    end
    local problems = {}
    local license_state = license_link(page, lic)
    if license_state and license_state.missing then
      missing[#missing + 1] = license_state.missing
    end
    if #missing > 0 then
      problems[#problems + 1] = "missing " .. table.concat(missing, ", ")
    end
    if license_state and license_state.wrong then
      problems[#problems + 1] = license_state.wrong
    end
    if #problems == 0 then
      return
    end
    local url = found.original and provenance.list(found.original.url or found.original["@id"])[1]
    report{ message = cc.label(lic) .. " content from " .. found.source .. " (" .. found.from
                      .. ") without the attribution the license asks for: "
                      .. table.concat(problems, "; ")
                      .. '; add a visible credit near the article such as "TITLE by AUTHOR, <a href=\''
                      .. (type(url) == "string" and #url <= 300 and url or "ORIGINAL URL") .. '\'>'
                      .. found.source .. '</a>, licensed under <a rel=\'license\' href=\'' .. cc.url(lic)
                      .. '\'>' .. cc.label(lic) .. '</a>"' }
  end,
}
