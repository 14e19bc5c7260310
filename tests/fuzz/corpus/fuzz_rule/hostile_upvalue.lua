--rule: a whole rule file
local n = 0
local kept
return { id = "fuzz", summary = "keeps state", check = function(page, opts, report)
  n = n + 1
  kept = kept or page:select("p")[1]
  report{ message = "n " .. n .. " " .. kept.tag, node = kept }
end }
