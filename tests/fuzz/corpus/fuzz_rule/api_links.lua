for _, l in ipairs(page:links()) do
  report{ message = l.href .. "|" .. l.text .. "|" .. tostring(l.visible) .. "|" .. tostring(page:target_exists(l.href)), node = l.node }
end
report{ message = tostring(page:meta("description")) .. tostring(page:meta("nope")) }
local j = page:jsonld()
report{ message = #j .. " " .. tostring(j[1] and j[1]["@type"]) .. " " .. tostring(j[1] and j[1].author.name) }
