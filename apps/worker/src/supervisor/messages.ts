// What a supervisor and its worker processes tell each other over the cluster IPC channel.
import { z } from "zod";

export const toChild = z.discriminatedUnion("type", [
  /** Send your registry's metrics as JSON, for the supervisor's aggregate. */
  z.object({ type: z.literal("aiops:metrics-request"), id: z.number() }),
  /** Stop taking jobs, finish those in flight, exit. */
  z.object({ type: z.literal("aiops:shutdown") }),
]);

export const toSupervisor = z.discriminatedUnion("type", [
  /** The worker consumes the queue. */
  z.object({ type: z.literal("aiops:ready") }),
  z.object({ type: z.literal("aiops:metrics"), id: z.number(), metrics: z.array(z.unknown()) }),
]);

export type ToChild = z.infer<typeof toChild>;
export type ToSupervisor = z.infer<typeof toSupervisor>;
