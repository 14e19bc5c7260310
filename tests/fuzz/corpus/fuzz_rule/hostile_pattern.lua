local ok = pcall(string.find, ("a"):rep(2e4), ("a-"):rep(12) .. "b")
report{ message = "escaped " .. tostring(ok) }
