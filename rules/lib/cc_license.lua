-- lib/cc_license: which Creative Commons license covers the content a page
-- republishes, and whether the page adapts it. Shared by the licensing pack's
-- rules so they agree on the source, the license and what counts as a derivative.
local provenance = require("lib.provenance")

local M = {}

local MAX_VALUE = 300

-- The options every licensing rule takes, plus the rule's own.
function M.options(own)
  local out = {
    sources = {
      type = "string[]",
      default = {},
      doc = 'the CC-licensed sources you republish, as "NAME = LICENSE" (e.g. "cnnespanol = CC BY 4.0"); NAME as in the visible "Source: NAME" line or the JSON-LD isBasedOn publisher',
    },
    labels = {
      type = "string[]",
      default = { "Source", "Fuente" },
      doc = 'labels of the visible source line ("Source: NAME")',
    },
    derivative_pages = {
      type = "string[]",
      default = {},
      doc = "globs of pages that adapt the source's content (translated, rewritten, cut), besides those whose JSON-LD says they are translations",
    },
  }
  for k, v in pairs(own or {}) do
    out[k] = v
  end
  return out
end

-- { elements = "by-sa", version = "4.0" } from "CC BY-SA 4.0" / "CC-BY-SA-4.0".
function M.parse_name(s)
  if type(s) ~= "string" or #s > MAX_VALUE then
    return nil
  end
  local low = s:lower()
  if low:match("^%s*cc0") then
    return { elements = "zero", version = low:match("(%d+%.%d+)") or "1.0" }
  end
  local elements, version = low:match("^%s*cc[%s%-]+(by[%-%a]*)[%s%-]+v?(%d+%.%d+)%s*$")
  if not elements then
    return nil
  end
  return { elements = elements:gsub("%-+$", ""), version = version }
end

-- The license of a creativecommons.org deed URL, or nil.
function M.parse_url(href)
  if type(href) ~= "string" or #href > MAX_VALUE then
    return nil
  end
  local low = href:lower()
  if low:find("creativecommons.org/publicdomain/zero/", 1, true) then
    return { elements = "zero", version = low:match("/zero/(%d+%.%d+)") or "1.0" }
  end
  local elements, version = low:match("creativecommons%.org/licenses/([%a%-]+)/(%d+%.%d+)")
  if not elements then
    return nil
  end
  return { elements = elements, version = version }
end

function M.label(lic)
  if lic.elements == "zero" then
    return "CC0 " .. lic.version
  end
  return "CC " .. lic.elements:upper() .. " " .. lic.version
end

function M.url(lic)
  return "https://creativecommons.org/licenses/" .. lic.elements .. "/" .. lic.version .. "/"
end

function M.same(a, b)
  return a.elements == b.elements and a.version == b.version
end

-- Source names the page's visible text gives after one of the labels
-- ("Source: cnnespanol"), normalized.
local function visible_sources(page, labels)
  local names = {}
  for _, label in ipairs(labels) do
    local _, e = page:find(label .. ":")
    if e then
      local name = page:text(e + 1, e + 80):match("^%s*([%w%.%-_]+)")
      if name then
        names[#names + 1] = (name:gsub("[%.%-_]+$", ""))
      end
    end
  end
  return names
end

-- What the page republishes and under which license: { source =, license =,
-- from =, original = the JSON-LD isBasedOn object or nil }, or nil when the
-- page republishes nothing CC-licensed that we know of. A configured license
-- that cannot be read gives { problem = message }.
function M.resolve(page, opts)
  local names = visible_sources(page, opts.labels)
  local original = nil
  for _, item in ipairs(provenance.items(page)) do
    for _, based in ipairs(provenance.list(item.isBasedOn)) do
      if type(based) == "table" then
        original = original or based
        local publisher = provenance.name_of(based.publisher) or provenance.name_of(based.sourceOrganization)
        if publisher then
          names[#names + 1] = page:normalize(publisher)
        end
      end
    end
  end
  for _, entry in ipairs(opts.sources) do
    local name, license = entry:match("^%s*([^=]-)%s*=%s*(.-)%s*$")
    local wanted = name and page:normalize(name)
    for _, seen in ipairs(names) do
      if wanted and wanted ~= "" and seen == wanted then
        local lic = M.parse_name(license)
        if not lic then
          return { problem = 'options.sources: cannot read the license of "' .. entry
                             .. '"; write it as "' .. name .. ' = CC BY 4.0" (CC0, CC BY, BY-SA, BY-NC, BY-ND, BY-NC-SA, BY-NC-ND with a version)' }
        end
        return { source = name, license = lic, from = "options.sources", original = original }
      end
    end
  end
  if original then
    for _, l in ipairs(provenance.list(original.license)) do
      local lic = M.parse_url(l) or M.parse_name(l)
      if lic then
        local source = provenance.name_of(original.publisher) or "the original"
        return { source = source, license = lic, from = "JSON-LD isBasedOn license", original = original }
      end
    end
  end
  return nil
end

-- Why the page adapts the content it republishes, or nil: a path in
-- derivative_pages, JSON-LD that says it is a translation, or extra visible
-- wording (a modification notice says the page is modified).
function M.derivative(page, opts, phrases)
  local glob = provenance.path_glob(page, opts.derivative_pages)
  if glob then
    return 'its path matches options.derivative_pages "' .. glob .. '"'
  end
  for _, item in ipairs(provenance.items(page)) do
    local why = provenance.translation_of(page, item)
    if why then
      return "a translation: " .. why
    end
  end
  local phrase = phrases and provenance.visible_phrase(page, phrases)
  if phrase then
    return 'it says "' .. phrase .. '"'
  end
  return nil
end

return M
