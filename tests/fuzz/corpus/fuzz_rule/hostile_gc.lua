local ok, e = pcall(setmetatable, {}, { __gc = function() while true do end end })
local ok2, e2 = pcall(setmetatable, {}, { __mode = "k" })
report{ message = tostring(ok) .. tostring(ok2) }
