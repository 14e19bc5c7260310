for k, v in pairs(opts) do report{ message = k .. "=" .. tostring(v) } end
for i, w in ipairs(opts.words) do report{ message = "word " .. i .. w } end
report{ message = "n " .. opts.n .. " " .. #opts.words }
local ok, err = pcall(function() opts.words[1] = "z" end)
report{ message = tostring(ok) .. tostring(err) }
