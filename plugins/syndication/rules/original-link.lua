-- original-link: a republished article points at the story it republishes.
-- Search engines and readers both need it: rel=canonical (what Google asks of
-- syndication partners), JSON-LD isBasedOn, or a visible link in the article.

-- The host of an absolute http(s) URL (or of a scheme-relative one), lowercased.
local function host_of(url)
  if type(url) ~= "string" then
    return nil
  end
  local host = url:match("^%s*[hH][tT][tT][pP][sS]?://([^/?#]+)") or url:match("^%s*//([^/?#]+)")
  if not host then
    return nil
  end
  host = host:gsub("^.*@", ""):gsub(":%d*$", "")
  return host:lower()
end

-- host equals domain, or is a subdomain of it.
local function within(host, domain)
  domain = domain:lower()
  return host == domain or (#host > #domain and host:sub(-#domain - 1) == "." .. domain)
end

local function jsonld_based_on(page)
  local urls = {}
  for _, block in ipairs(page:jsonld()) do
    local items = block["@graph"] or { block }
    for _, item in ipairs(items) do
      if type(item) == "table" then
        local based = item.isBasedOn or item.isBasedOnUrl
        if type(based) == "string" then
          urls[#urls + 1] = based
        elseif type(based) == "table" then
          urls[#urls + 1] = based.url or based["@id"]
        end
      end
    end
  end
  return urls
end

return {
  id = "original-link",
  summary = "Republished articles link to the original story",
  severity = "warning",
  needs = { "links", "jsonld", "head" },
  options = {
    domains = {
      type = "string[]",
      default = {},
      doc = "hosts of the outlets you republish (e.g. cnnespanol.cnn.com); a link to one of them or a subdomain counts. Empty: any absolute rel=canonical or JSON-LD isBasedOn URL counts",
    },
  },
  docs = [[
A republished article says where the original is. Accepted, in this order:

- <link rel="canonical" href="https://original.example/story">: what search
  engines expect from syndication partners, so the original ranks, not the copy;
- JSON-LD `isBasedOn` (a URL, or an object with `url`) in the article's
  structured data;
- with `domains` set: also a visible <a href> anywhere in the page to one of
  those hosts ("Read the original at CNN Español").

With `domains` set, the canonical or isBasedOn URL must point to one of them as
well: a canonical that points at your own copy does not credit the source.
Without `domains`, any absolute canonical or isBasedOn URL is accepted.

Fix: have the article template emit <link rel="canonical"> with the original
story's URL from the feed item.
]],
  check = function(page, opts, report)
    local domains = opts.domains or {}
    local function credits(url)
      local host = host_of(url)
      if not host then
        return false
      end
      if #domains == 0 then
        return true
      end
      for _, d in ipairs(domains) do
        if within(host, d) then
          return true
        end
      end
      return false
    end
    for _, link in ipairs(page:link_elements("canonical")) do
      if (link.rel == "canonical" or link.rel == "Canonical") and credits(link.href) then
        return
      end
    end
    for _, url in ipairs(jsonld_based_on(page)) do
      if credits(url) then
        return
      end
    end
    if #domains > 0 then
      for _, link in ipairs(page:links{ visible = true }) do
        if credits(link.href) then
          return
        end
      end
      report{ message = "no link to the original story on " .. table.concat(domains, ", ")
                        .. " (rel=canonical, JSON-LD isBasedOn or a visible link)" }
    else
      report{ message = "no link to the original story (rel=canonical or JSON-LD isBasedOn with an absolute URL)" }
    end
  end,
}
