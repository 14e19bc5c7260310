-- privacy-regional: the links regional privacy and media laws require on every
-- page. Enable with plugins = { "privacy-regional" } in provcheck.lua, then turn
-- each law on in the config (only impressum checks anything by default: pages
-- whose <html lang> is German).
return {
  name = "privacy-regional",
  version = "1.0.0",
  description = "Pages carry the links regional laws require: Do Not Sell (California), Impressum (Germany), cookie policy",
  rules = { "do-not-sell", "impressum", "cookie-policy" },
}
