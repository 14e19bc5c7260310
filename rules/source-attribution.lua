-- source-attribution: a republished article names the outlet it comes from.
--
-- Looks for LABEL ":" NAME in the normalized visible text (case folded, so labels
-- and sources compare case-insensitively). The search runs in C (page:find); only
-- the few bytes after each label are looked at here.

-- A NAME is a run of letters, digits, '.', '-', '_' that does not end in '.', '-'
-- or '_'. Bytes >= 0x80 count as letters: the text is UTF-8 and already NFKC
-- normalized, so non-ASCII names ("agência") stay whole.
local NAME_CHARS = "^[%w%.%-_\128-\255]+"
local WORD_BYTE = "[%w\128-\255]"

-- The name starting at or just after pos (one optional space), and where it
-- starts. It reads the text in parts (page:text(i, j)): the whole text as a Lua
-- string would be one more copy of a page-sized text.
local function name_after(page, pos)
  if page:text(pos, pos) == " " then
    pos = pos + 1
  end
  local want, name = 128, nil
  while true do
    local part = page:text(pos, pos + want - 1)
    name = part:match(NAME_CHARS)
    if not name or #name < want then
      break   -- the name ends inside the part (or the text does)
    end
    want = want * 2
  end
  if not name then
    return nil
  end
  name = name:gsub("[%.%-_]+$", "")
  if name == "" then
    return nil
  end
  return name, pos
end

local function quoted_list(list)
  local out = {}
  for i, s in ipairs(list) do
    out[i] = "'" .. s .. "'"
  end
  return table.concat(out, ", ")
end

return {
  id = "source-attribution",
  summary = "Republished content names its source (\"Source: NAME\") in the visible text",
  severity = "error",
  needs = { "text" },
  options = {
    labels = {
      type = "string[]",
      default = { "Source" },
      doc = "words that introduce the source, matched case-insensitively before a colon",
    },
    sources = {
      type = "string[]",
      doc = "when set (and not empty), the only source names allowed, case-insensitively",
    },
  },
  docs = [[
Every republished article must say where it comes from, in text the reader can
see: a label, a colon and the source's name, for example

    Source: cnnespanol

The label is one of the `labels` option (default "Source"), compared
case-insensitively after normalization; the name is a run of letters, digits,
'.', '-' and '_' that does not end in '.', '-' or '_'. A label only counts at the
start of a word ("Datasource:" is not "Source:"). Text inside <head>, <script>,
<style>, comments, hidden elements and `display:none` does not count.

With the `sources` option set, every name found must be one of them
(case-insensitively); an unknown name is reported at the text that holds it.

Fix: add a visible "Source: NAME" line to the article, or add the outlet to
`sources` once there is an agreement with it. Pages that are not republished
(home, about, privacy) can turn the rule off through `overrides`.
]],
  check = function(page, opts, report)
    local allowed, allowed_list = nil, nil
    if opts.sources and #opts.sources > 0 then
      allowed, allowed_list = {}, {}
      for i, s in ipairs(opts.sources) do
        allowed[page:normalize(s)] = true
        allowed_list[i] = s
      end
    end
    local found = false
    for _, label in ipairs(opts.labels) do
      local from = 1
      while true do
        local s, e = page:find(label .. ":", from)
        if not s then
          break
        end
        from = e + 1
        local before = s > 1 and page:text(s - 1, s - 1) or ""
        if not before:match(WORD_BYTE) then
          local name, at = name_after(page, e + 1)
          if name then
            found = true
            if allowed and not allowed[name] then
              report{
                message = "unknown source '" .. name .. "' (allowed: "
                  .. quoted_list(allowed_list) .. ")",
                at = at,
              }
            end
          end
        end
      end
    end
    if not found then
      local first = opts.labels[1] or "Source"
      report{ message = "no source attribution: the visible text has no '" .. first
        .. ": NAME'" }
    end
  end,
}
