-- translation-notice: an article republished in another language says so, so a
-- reader knows the words quoted are a translation, not the original.

local PHRASES = { "translated", "translation", "non-english news" }

-- The primary language subtag ("es" of "es-MX"), lowercased; nil when absent.
local function primary(tag)
  if type(tag) ~= "string" then
    return nil
  end
  local p = tag:match("^%s*(%a+)")
  return p and p:lower() or nil
end

return {
  id = "translation-notice",
  summary = "Translated articles say that they are translations",
  severity = "warning",
  needs = { "text", "jsonld", "head" },
  options = {
    phrases = {
      type = "string[]",
      default = PHRASES,
      doc = "visible wording that tells the reader the article is a translation (any one will do)",
    },
    always = {
      type = "boolean",
      default = false,
      doc = "require the notice on every page checked (for a site or section that only publishes translations); otherwise only where the page declares another original language",
    },
  },
  docs = [[
A page is a translation when its JSON-LD gives the original's language and it
differs from the page's: `inLanguage` of an `isBasedOn` / `translationOfWork`
object, compared with `<html lang>` by primary subtag (`es-MX` is `es`). Such a
page must show one of `phrases` in its visible text (default: "translated",
"translation", "non-English news"). With `always = true`, every page checked
needs the notice: use it in an override for the folders that hold translations.

Fix: add the notice ("Translated from Spanish by ...") to the translated-article
template, visible, near the byline.
]],
  check = function(page, opts, report)
    local required = opts.always
    if not required then
      local lang = primary(page:lang())
      for _, block in ipairs(page:jsonld()) do
        local items = block["@graph"] or { block }
        for _, item in ipairs(items) do
          if type(item) == "table" then
            for _, key in ipairs({ "translationOfWork", "isBasedOn" }) do
              local original = item[key]
              local olang = type(original) == "table" and primary(original.inLanguage)
              if olang and lang and olang ~= lang then
                required = true
              end
            end
          end
        end
      end
    end
    if not required then
      return
    end
    for _, phrase in ipairs(opts.phrases) do
      if page:contains(phrase) then
        return
      end
    end
    report{ message = "a translated article without a visible translation notice ('"
                      .. table.concat(opts.phrases, "', '") .. "')" }
  end,
}
