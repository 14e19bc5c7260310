-- ai-transparency: EU AI Act Article 50(4) for machine-translated and
-- AI-generated articles. Enable with plugins = { "ai-transparency" } in provcheck.lua.
return {
  name = "ai-transparency",
  version = "1.0.0",
  description = "Machine-translated and AI-generated articles say so visibly, and their visible and machine-readable marking agree (EU AI Act Art. 50(4))",
  rules = { "disclosure", "consistency" },
}
