-- consistency: what a page tells the reader about who made its text agrees with
-- what it tells machines (search engines, archives, AI-content labels).

local provenance = require("lib.provenance")

-- What the machine-readable metadata says: two lists of descriptions, one of
-- signs of a person, one of signs of software.
local function declared(page, opts)
  local human, machine = {}, {}
  local engine = provenance.engine_in(page:meta("generator"), opts.engines)
  if engine then
    machine[#machine + 1] = '<meta name="generator"> names ' .. engine
  end
  for _, item in ipairs(provenance.items(page)) do
    local people, machines = provenance.translators(item, opts.engines)
    for _, name in ipairs(people) do
      human[#human + 1] = 'a human translator ("' .. name .. '")'
    end
    for _, name in ipairs(machines) do
      machine[#machine + 1] = 'a machine translator ("' .. name .. '")'
    end
    for _, code in ipairs(provenance.source_types_in(item, opts.human_source_types)) do
      human[#human + 1] = "digitalSourceType " .. code
    end
    for _, code in ipairs(provenance.source_types_in(item, opts.source_types)) do
      machine[#machine + 1] = "digitalSourceType " .. code
    end
  end
  return human, machine
end

-- Words after "translated by" that name no person ("translated by machine",
-- "traducido por IA"), in the normalized (case-folded) text.
local NOT_A_PERSON = {
  machine = true, software = true, computer = true, ai = true, ia = true, bot = true,
  algorithm = true, automatic = true, automatically = true, artificial = true,
  ["máquina"] = true, ["automáticamente"] = true, maschine = true, ki = true,
}

local function names_software(name)
  local n = 0
  for word in name:gmatch("[^%s%-]+") do
    if NOT_A_PERSON[word] then
      return true
    end
    n = n + 1
    if n == 4 then
      return false
    end
  end
  return false
end

-- The first visible credit of a person ("translated by jane doe"): one of
-- `credits` followed by a name that is not an engine. Returns the credit as the
-- normalized text shows it, and its position.
local function human_credit(page, opts)
  for _, credit in ipairs(opts.human_credits) do
    local init = 1
    for _ = 1, 20 do
      local s, e = page:find(credit, init)
      if not s then
        break
      end
      local after = page:text(e + 1, e + 40)
      local name = after:match("^[%s:]*([^%.,;%(%)]*)") or ""
      name = name:gsub("%s+$", "")
      if name ~= "" and not provenance.engine_in(after, opts.engines) and not names_software(name) then
        return page:text(s, e) .. " " .. name, s
      end
      init = e + 1
    end
  end
  return nil
end

return {
  id = "consistency",
  summary = "The visible AI disclosure and the machine-readable marking agree",
  severity = "warning",
  needs = { "text", "meta", "jsonld" },
  options = {
    phrases = {
      type = "string[]",
      default = provenance.DISCLOSURE_PHRASES,
      doc = "visible wording that says the text was machine-translated or AI-generated",
    },
    human_credits = {
      type = "string[]",
      default = { "translated by", "translation by", "traducido por", "traducida por",
                  "traducción de", "übersetzt von", "traduit par" },
      doc = "visible wording that credits a translator; followed by a name that is not one of engines, it says a person translated the text",
    },
    engines = {
      type = "string[]",
      default = provenance.ENGINES,
      doc = "names of translation/AI engines (in <meta name=\"generator\">, a JSON-LD translator, or after a credit)",
    },
    source_types = {
      type = "string[]",
      default = provenance.AI_SOURCE_TYPES,
      doc = "IPTC digitalSourceType codes that say software made the text",
    },
    human_source_types = {
      type = "string[]",
      default = provenance.HUMAN_SOURCE_TYPES,
      doc = "IPTC digitalSourceType codes that say a person made the text",
    },
  },
  docs = [[
A page tells the reader and machines the same story about who made its text.
Two contradictions are findings, each naming both sides:

- the visible text discloses machine translation or AI generation (one of
  `phrases`, e.g. "translated automatically") but the machine-readable
  metadata only declares people: a JSON-LD `translator` that is a Person,
  Organization or name (not one of `engines`), or a `digitalSourceType` of
  `human_source_types` (digitalCapture, humanEdits);
- the metadata only declares software (a `translator` that is software or one
  of `engines`, a `digitalSourceType` of `source_types`, or a
  `<meta name="generator">` naming an engine) but the visible text credits a
  person: one of `human_credits` ("translated by", "traducido por") followed
  by a name that is not an engine nor software ("machine", "AI", "IA",
  "software", "an algorithm" are not people).

A page that declares both a person and software (machine translation edited
by a translator) is consistent with either wording. Search engines, archives
and AI-content labels read the metadata; EU AI Act Article 50 expects the
marking to be reliable, so a contradiction is either a wrong disclosure or a
wrong label.

Fix: make them agree. If a person translated or edited the text under
editorial responsibility, replace the automatic-translation notice with the
translator's credit; if software translated it, drop the human `translator`
from the JSON-LD (or add the engine as a SoftwareApplication translator) and
set `digitalSourceType` to trainedAlgorithmicMedia.
]],
  check = function(page, opts, report)
    local human, machine = declared(page, opts)
    if #human > 0 and #machine == 0 then
      for _, phrase in ipairs(opts.phrases) do
        local at = page:find(phrase)
        if at then
          report{ at = at,
                  message = 'the visible text says "' .. phrase .. '" but the JSON-LD declares only '
                            .. table.concat(human, " and ")
                            .. ": make them agree (a person's translation: replace the notice with the translator's credit; a machine translation: declare the engine as translator and digitalSourceType trainedAlgorithmicMedia)" }
          return
        end
      end
    elseif #machine > 0 and #human == 0 then
      local credit, at = human_credit(page, opts)
      if credit then
        report{ at = at,
                message = "the metadata declares " .. table.concat(machine, " and ")
                          .. ' but the visible text credits a person ("' .. credit
                          .. '"): make them agree (a person\'s translation: declare them as JSON-LD translator, a Person; a machine translation: say so visibly, e.g. "translated automatically")' }
      end
    end
  end,
}
