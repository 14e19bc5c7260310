--rule: a whole rule file
local util = {}
function util.words(s) local t = {} for w in s:gmatch("%S+") do t[#t + 1] = w end return t end
return {
  id = "fuzz", summary = "a whole rule", severity = "info",
  options = { min = { type = "integer", default = 2, doc = "min" } },
  docs = [[ docs ]],
  check = function(page, opts, report)
    local w = util.words(page:text())
    if #w > opts.min then report{ message = #w .. " words" } end
  end,
}
