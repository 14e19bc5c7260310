local function f(n) return pcall(f, n + 1) end
report{ message = tostring(f(1)) }
local function g() return g() end
g()
