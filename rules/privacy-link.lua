-- privacy-link: the page links to its privacy policy, and the link works.

-- The links are filtered in C (page:links{...}): only the candidates become Lua
-- values, with href_trimmed made there (a trim pattern on every href of every page
-- was the rule's main cost).
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

return {
  id = "privacy-link",
  summary = "The page has a visible, working link to the privacy policy",
  severity = "error",
  needs = { "links" },
  options = {
    patterns = {
      type = "string[]",
      default = { "privacy" },
      doc = "a link qualifies when its visible text or href contains one of these (case-insensitively)",
    },
  },
  docs = [[
Every page must carry a visible link to the privacy policy, usually in the
footer. A link qualifies when its visible text or its href contains one of the
`patterns` (default "privacy"), case-insensitively, and its href is not empty,
"#" or "javascript:". Hidden links (display:none, the hidden attribute,
aria-hidden) do not count.

In repository checks a relative or root-relative href must point to a file
that exists in the same tree (a folder means its index.html); absolute http(s)
URLs are accepted without fetching them. In audits the target must answer 2xx.

When the page has qualifying links but none of them resolves, each broken one
is reported at its <a>. When there is none at all, the finding points at the
page's <article>, else <body>.

Fix: add or repair the footer link, e.g. <a href="/privacy.html">Privacy</a>.
]],
  check = function(page, opts, report)
    local broken = {}
    local candidates = page:links{ visible = true, href_contains = opts.patterns,
                                   text_contains = opts.patterns }
    for _, link in ipairs(candidates) do
      if usable_href(link) then
        if page:target_exists(link.href) == false then
          broken[#broken + 1] = link
        else
          return   -- exists, or cannot be checked here (absolute URL): accepted
        end
      end
    end
    if #broken > 0 then
      local hint = site_root_hint(page)
      for _, link in ipairs(broken) do
        report{ message = "the privacy link '" .. link.href
          .. "' points to a page that does not exist" .. hint, node = link.node }
      end
      return
    end
    report{ message = "no visible link to the privacy policy (text or href containing '"
      .. table.concat(opts.patterns, "' or '") .. "')" }
  end,
}
