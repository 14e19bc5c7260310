for _, n in ipairs(page:select("article p, h1, .byline, #main > p")) do
  report{ message = n.tag .. ":" .. tostring(n.line) .. ":" .. tostring(n.column) .. " " .. n:text() .. " " .. tostring(n:visible()), node = n }
  local inner = n:select("a")
  if n:attr("class") then report{ message = "class " .. n:attr("CLASS"), node = n } end
end
local x = page:xpath("//a[@href]")
for i, a in ipairs(x) do report{ message = tostring(a:attr("href")) .. tostring(a == page:select("a")[i]), node = a } end
