return setmetatable({ id = "fuzz", summary = "s" }, { __index = function(t, k) return function() end end })
