-- lib/disclaimer: the shared check of the rules that want a sentence in the
-- visible text: the exact configured sentence when there is one, else any of the
-- rule's built-in phrases. The search itself runs in C (page:contains).
local M = {}

-- what: how the finding names the missing sentence ("third-party disclaimer").
-- A sentence that is in the page but hidden is reported as such: the fix is to
-- unhide it, not to write it again.
local function hidden_note(page, texts, what)
  for _, t in ipairs(texts) do
    local why = page:hidden_text(t)
    if why then
      return ": the " .. what .. " is in the page but hidden by " .. why
    end
  end
  return ""
end

function M.require_sentence(page, opts, report, phrases, what)
  if opts.text then
    if not page:contains(opts.text) then
      report{ message = "the " .. what .. " is missing (the configured text is not in the visible text)"
                        .. hidden_note(page, { opts.text }, what) }
    end
    return
  end
  for _, phrase in ipairs(phrases) do
    if page:contains(phrase) then
      return
    end
  end
  report{ message = "no " .. what .. " in the visible text" .. hidden_note(page, phrases, what) }
end

return M
