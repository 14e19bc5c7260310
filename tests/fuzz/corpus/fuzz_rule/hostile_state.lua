counter = (counter or 0) + 1
report{ message = "global " .. counter }
local _, S = pairs(string)
pcall(function() S.upper = function() return "x" end end)
pcall(rawset, string, "upper", print)
report{ message = ("a"):upper() }
