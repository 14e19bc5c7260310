-- lib/required_link: the shared check of the rules that want a visible, working
-- link on every page (privacy-link, the privacy-regional pack's rules). A link qualifies
-- when its visible text or its href contains one of the patterns.
local M = {}

-- The links are filtered in C (page:links{...}): only the candidates become Lua
-- values, with href_trimmed made there (a trim pattern on every href of every page
-- was the rules' main cost).
local function usable_href(link)
  local h = link.href_trimmed
  if h == "" or h == "#" then
    return false
  end
  return not h:lower():find("^javascript:")
end

local function root_relative(link)
  local h = link.href_trimmed
  return h:sub(1, 1) == "/" and h:sub(2, 2) ~= "/"
end

-- When no root-relative link of the page resolves, the likely cause is not the
-- link but a site root that is not the folder the site is served from. Files and
-- git modes only (an audit asks the server); at most 20 links are tried.
local function site_root_hint(page)
  if page.url then
    return ""
  end
  local tried = 0
  for _, link in ipairs(page:links{}) do
    if root_relative(link) then
      if page:target_exists(link.href) ~= false then
        return ""
      end
      tried = tried + 1
      if tried >= 20 then
        break
      end
    end
  end
  if tried == 0 then
    return ""
  end
  return " (no root-relative link on this page resolves: is the config's site_root"
    .. " the folder the site is served from?)"
end

-- The page's visible links that match `patterns`, checked: returns nil when one
-- of them resolves (or cannot be checked here: an absolute URL outside audits),
-- else the list of the broken ones (empty when none matched at all).
function M.find(page, patterns)
  local broken = {}
  local candidates = page:links{ visible = true, href_contains = patterns,
                                 text_contains = patterns }
  for _, link in ipairs(candidates) do
    if usable_href(link) then
      if page:target_exists(link.href) ~= false then
        return nil
      end
      broken[#broken + 1] = link
    end
  end
  return broken
end

-- Reports each broken link at its <a> (what.name: "the privacy link"), or the
-- missing link at the article (what.missing: the whole message).
function M.require(page, patterns, report, what)
  local broken = M.find(page, patterns)
  if not broken then
    return
  end
  if #broken > 0 then
    local hint = site_root_hint(page)
    for _, link in ipairs(broken) do
      report{ message = what.name .. " '" .. link.href
        .. "' points to a page that does not exist" .. (what.fix or "") .. hint, node = link.node }
    end
    return
  end
  report{ message = what.missing }
end

-- The laws that want a link (the privacy-regional pack): a rule is off for a page
-- until the config turns it on (`enabled`) or the page's <html lang> is one of
-- `languages`.

-- The primary language subtag of <html lang>, lowercased ("de" for "de-AT").
local function page_language(page)
  local lang = page:lang()
  if not lang then
    return nil
  end
  return (lang:match("^%s*(%a+)") or ""):lower()
end

-- Whether the rule checks this page. Cheap when nothing is on: no page work.
function M.applies(page, opts)
  if opts.enabled then
    return true
  end
  local languages = opts.languages
  if not languages or #languages == 0 then
    return false
  end
  local lang = page_language(page)
  if not lang then
    return false
  end
  for _, l in ipairs(languages) do
    if l:lower() == lang then
      return true
    end
  end
  return false
end

-- law: { title = "Impressum", example = '<a href="/impressum.html">Impressum</a>',
--        why = "German DDG § 5" }
function M.require_by_law(page, opts, report, law)
  if not M.applies(page, opts) then
    return
  end
  M.require(page, opts.patterns, report, {
    name = "the " .. law.title .. " link",
    fix = ": create that page or point the link at the existing " .. law.title .. " page",
    missing = "no visible " .. law.title .. " link (" .. law.why .. "): add one to the footer of every page, e.g. "
      .. law.example .. " (options.patterns lists the accepted link texts and hrefs: '"
      .. table.concat(opts.patterns, "', '") .. "')",
  })
end

return M
