// After a fault: wait for the queue to drain, then count what happened to every event.
import type { Fleet } from "./fleet.js";
import type { Traffic, TrafficEvent } from "./traffic.js";

const FINAL = ["completed", "ignored", "failed"];

export interface Outcome {
  sent: number;
  acknowledged: number;
  completed: number;
  failed: number;
  /** Acknowledged events not in a final state, or completed without their CRM record. */
  lost: number;
  /** Second 202s for one event + CRM rows beyond one per event + AI calls repeated for a stored step. */
  duplicated: number;
  duplicateAcks: number;
  aiRequests: number;
  aiSteps: number;
  aiRepeats: number;
  deliveries: number;
  /** Running workers that ran no job: more workers than did the work would go unnoticed otherwise. */
  idleWorkers: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until every acknowledged event is final and the queue holds nothing to run. */
export async function drain(fleet: Fleet, traffic: Traffic, timeoutMs = 90_000): Promise<boolean> {
  const ids = traffic.acknowledged.map((event) => event.id!);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const final = await fleet.db.webhookEvent.count({ where: { id: { in: ids }, status: { in: FINAL as never } } });
    const counts = await fleet.queue
      .getJobCounts("waiting", "active", "delayed", "prioritized")
      .catch(() => ({ pending: 1 }));
    if (final === ids.length && Object.values(counts).every((n) => n === 0)) return true;
    await sleep(500);
  }
  return false;
}

/** The CRM row each completed event must have produced. */
async function hasCrmRecord(fleet: Fleet, event: TrafficEvent): Promise<boolean> {
  const body = event.sample.body as Record<string, any>;
  const { db } = fleet;
  if (event.source.name === "new-lead") return (await db.contact.count({ where: { email: body.email } })) === 1;
  if (event.source.name === "new-ticket")
    return (await db.ticket.count({ where: { source: "new-ticket", externalId: String(body.detail.id) } })) === 1;
  return (await db.payment.count({ where: { source: "payment", externalId: body.data.object.id } })) === 1;
}

export async function outcome(fleet: Fleet, traffic: Traffic): Promise<Outcome> {
  const acked = traffic.acknowledged;
  const ids = acked.map((event) => event.id!);
  const rows = await fleet.db.webhookEvent.findMany({ where: { id: { in: ids } }, include: { steps: true } });
  const byId = new Map(rows.map((row) => [row.id, row]));

  let lost = 0;
  for (const event of acked) {
    const row = byId.get(event.id!);
    if (!row || !FINAL.includes(row.status)) lost++;
    else if (row.status === "completed" && !(await hasCrmRecord(fleet, event))) lost++;
  }

  const activities = await fleet.db.activity.groupBy({
    by: ["eventId"],
    where: { eventId: { in: ids } },
    _count: { _all: true },
  });
  const extraActivities = activities.reduce((sum, group) => sum + Math.max(0, group._count._all - 1), 0);
  const duplicateAcks = acked.reduce((sum, event) => sum + Math.max(0, event.accepted - 1), 0);

  // Every AI request carries its event's tag; one that arrived after the step's success was stored repeats a finished call.
  const requestsByTag = new Map<string, number[]>();
  for (const request of fleet.fake.requests) {
    const tag = /flt\d+x/.exec(request.body)?.[0];
    if (tag) requestsByTag.set(tag, [...(requestsByTag.get(tag) ?? []), request.at]);
  }
  let aiSteps = 0;
  let aiRepeats = 0;
  for (const event of acked) {
    const step = byId.get(event.id!)?.steps.find((s) => s.name.startsWith("ai.") && s.status === "succeeded");
    if (!step) continue;
    aiSteps++;
    aiRepeats += (requestsByTag.get(event.tag) ?? []).filter((at) => at > step.updatedAt.getTime()).length;
  }

  return {
    sent: traffic.events.length,
    acknowledged: acked.length,
    completed: rows.filter((row) => row.status === "completed" || row.status === "ignored").length,
    failed: rows.filter((row) => row.status === "failed").length,
    lost,
    duplicated: duplicateAcks + extraActivities + aiRepeats,
    duplicateAcks,
    aiRequests: [...requestsByTag.values()].reduce((sum, list) => sum + list.length, 0),
    aiSteps,
    aiRepeats,
    deliveries: traffic.events.reduce((sum, event) => sum + event.deliveries, 0),
    idleWorkers: await fleet.idleWorkers(),
  };
}
