local t = page:text()
local s, e = page:find("source:")
if s then report{ message = "at " .. s .. "-" .. e, at = s } end
report{ message = page.path .. " " .. tostring(page.url) .. " " .. #page:raw_text() }
if page:contains("lavrov") then report("contains") end
report{ message = page:normalize("Caf\u{e9} \u{201c}X\u{201d}") }
