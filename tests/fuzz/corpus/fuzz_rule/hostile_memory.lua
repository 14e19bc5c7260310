local t = {}
local ok = pcall(function() for i = 1, 1e7 do t[i] = ("x"):rep(100) .. i end end)
report{ message = "survived " .. tostring(ok) }
