import { promptFolder } from "../../prompt-files.js";
import type { AiTask } from "../../task.js";
import type { LeadInput } from "./input.js";
import { leadRules } from "./rules.js";
import { leadAnalysisSchema } from "./schema.js";

export const leadPrompts = promptFolder("lead_analysis", new URL("./prompts/", import.meta.url));

export const leadTask: AiTask<LeadInput, typeof leadAnalysisSchema> = {
  name: "lead_analysis",
  promptVersion: "lead-v1",
  schema: leadAnalysisSchema,
  instructions: leadPrompts.load("lead-v1"),
  rules: leadRules,
};
