local t = page:raw_text()
for w in t:gmatch("%a+") do if #w > 6 then report{ message = w } end end
local s = t:gsub("%s+", " "):gsub("(%w+)", "<%1>", 3)
report{ message = s:sub(1, 80) }
report{ message = tostring(t:match("Source:%s*(%w+)")) .. tostring(t:find("%f[%a]Lav")) }
report{ message = tostring(("f(a(b)c)d"):match("%b()")) .. tostring(("abcabc"):find("(a)(b)c%1%2")) }
report{ message = tostring(("key = val"):gsub("(%w+)%s*=%s*(%w+)", "%2=%1")) }
