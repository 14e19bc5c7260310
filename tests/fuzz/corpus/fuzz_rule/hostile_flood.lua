report{ message = string.rep("\u{e9}", 10000) }
for i = 1, 500 do report{ message = "finding " .. i } end
