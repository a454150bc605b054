import { promptFolder } from "../../prompt-files.js";
import type { AiTask } from "../../task.js";
import type { TicketInput } from "./input.js";
import { ticketRules } from "./rules.js";
import { ticketAnalysisSchema } from "./schema.js";

export const ticketPrompts = promptFolder("ticket_triage", new URL("./prompts/", import.meta.url));

export const ticketTask: AiTask<TicketInput, typeof ticketAnalysisSchema> = {
  name: "ticket_triage",
  promptVersion: "ticket-v1",
  schema: ticketAnalysisSchema,
  instructions: ticketPrompts.load("ticket-v1"),
  rules: ticketRules,
};
