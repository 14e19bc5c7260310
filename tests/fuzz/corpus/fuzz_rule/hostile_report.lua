pcall(report, { message = 1 })
pcall(report, { message = "x", node = {} })
pcall(report, { message = "x", at = 1e9 })
pcall(report, { message = "x", bogus = true })
pcall(report, setmetatable({}, { __index = function() while true do end end }))
report{ message = "x\0y", at = 1 }
report("short")
