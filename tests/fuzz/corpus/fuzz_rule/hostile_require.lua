local d = require("lib.disclaimer")
d.require_sentence = function() end
report{ message = tostring(pcall(require, "os")) .. tostring(pcall(require, "lib.nope")) }
local f = load("return 1 + ...")
report{ message = tostring(f and f(2)) .. tostring(load("\27Lua")) }
