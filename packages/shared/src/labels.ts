/** What a reviewer may set on a lead: the lead task's categories. */
export const leadCategories = ["hot", "warm", "cold", "spam"] as const;
/** What a reviewer may set on a ticket: the ticket task's priorities. */
export const ticketPriorities = ["urgent", "high", "normal", "low"] as const;
/** A reviewer's verdict on the drafted reply. */
export const draftVerdicts = ["good", "needed_edits"] as const;

/** The AI step whose answer a label corrects, and the answer's field, per labellable event type. */
export const labelledSteps = {
  lead: { step: "ai.lead", field: "category" },
  ticket: { step: "ai.ticket", field: "priority" },
} as const;
