// The events page: plain DOM, no build step. Every value from an event is put in the page
// as text (never as HTML), because payloads come from the outside world.
import { $, api, el } from "./dom.js";

const STATUSES = ["queued", "processing", "completed", "ignored", "failed"];
const state = { cursor: null, selected: null, rows: [] };

function filters() {
  const form = new FormData($("#filters"));
  return Object.fromEntries([...form.entries()].filter(([, value]) => value !== ""));
}

function notice(text) {
  $("#notice").textContent = text;
}

const time = (iso) => (iso ? new Date(iso).toLocaleString() : "—");
const badge = (status) => el("span", { class: `badge ${status}` }, status);
const json = (value) => el("pre", {}, JSON.stringify(value, null, 2));

async function loadCounts() {
  const { source } = filters();
  const stats = await api(`/admin/stats${source ? `?source=${encodeURIComponent(source)}` : ""}`);
  const current = filters().status;
  $("#counts").replaceChildren(
    ...STATUSES.map((status) =>
      el(
        "button",
        {
          type: "button",
          class: `count${current === status ? " active" : ""}`,
          "data-status": status,
          onclick: () => {
            $("#filters").status.value = current === status ? "" : status;
            reload();
          },
        },
        el("b", {}, stats.events[status] ?? 0),
        badge(status),
      ),
    ),
    el(
      "span",
      { class: "count", title: "Jobs in Redis" },
      el("b", {}, (stats.queue.waiting ?? 0) + (stats.queue.delayed ?? 0) + (stats.queue.active ?? 0)),
      "in queue",
    ),
  );
}

function row(event) {
  return el(
    "tr",
    { "data-id": event.id, class: event.id === state.selected ? "selected" : "", onclick: () => select(event.id) },
    el("td", {}, time(event.receivedAt)),
    el("td", {}, event.source),
    el("td", {}, event.type, event.providerType ? el("span", { class: "meta" }, ` ${event.providerType}`) : null),
    el("td", {}, badge(event.status)),
    el("td", {}, event.attempts),
    el("td", { class: "id" }, event.id),
  );
}

async function loadList({ append = false } = {}) {
  const query = new URLSearchParams({ ...filters(), limit: "50" });
  if (append && state.cursor) query.set("cursor", state.cursor);
  const { events, nextCursor } = await api(`/admin/events?${query}`);
  state.rows = append ? [...state.rows, ...events] : events;
  state.cursor = nextCursor;
  $("#events tbody").replaceChildren(...state.rows.map(row));
  $("#empty").hidden = state.rows.length > 0;
  $("#more").hidden = !nextCursor;
}

function stepItem(step) {
  const usage = step.usage
    ? `${step.usage.promptTokens} + ${step.usage.completionTokens} = ${step.usage.totalTokens} tokens`
    : null;
  const meta = [
    step.durationMs !== null ? `${step.durationMs} ms` : null,
    `${step.attempts} attempt${step.attempts === 1 ? "" : "s"}`,
    step.provider ? `${step.provider}${step.model ? ` · ${step.model}` : ""}` : null,
    usage,
    step.costUsd ? `$${step.costUsd}` : null,
    step.cached ? "cached" : null,
  ]
    .filter(Boolean)
    .join(" · ");
  const isAi = Boolean(step.provider);
  return el(
    "li",
    { class: step.status, "data-step": step.name },
    el(
      "div",
      { class: "step-head" },
      el("strong", {}, step.name),
      badge(step.status),
      el("span", { class: "meta" }, meta),
    ),
    step.error ? el("div", { class: "error" }, step.error) : null,
    step.output !== null
      ? el(
          "div",
          { class: isAi ? "ai" : "" },
          el("div", { class: "meta" }, isAi ? "AI answer" : "output"),
          json(step.output),
        )
      : null,
    step.rawResponse
      ? el("details", {}, el("summary", {}, "raw model response"), el("pre", {}, step.rawResponse))
      : null,
  );
}

function renderDetail(event) {
  const job = event.job;
  const facts = [
    ["status", badge(event.status)],
    ["source", event.source],
    ["type", `${event.type}${event.providerType ? ` (${event.providerType})` : ""}`],
    ["provider event", event.providerEventId],
    ["attempts", event.attempts],
    ["received", time(event.receivedAt)],
    ["started", time(event.startedAt)],
    ["finished", time(event.finishedAt)],
    [
      "tokens",
      `${event.usage.totalTokens} (${event.usage.promptTokens} prompt, ${event.usage.completionTokens} completion)${event.usage.costUsd ? ` · $${event.usage.costUsd}` : ""}`,
    ],
    [
      "job",
      job
        ? `${job.state}, ${job.attemptsMade}/${job.maxAttempts} attempts${job.runsAt ? `, next try ${time(job.runsAt)}` : ""}`
        : "not in Redis (finished or removed)",
    ],
  ];
  const pruned = Boolean(event.payloadPrunedAt);
  // Failed events, and unfinished ones whose job Redis lost; anything else runs or is done.
  const replayable = event.status === "failed" || (["queued", "processing"].includes(event.status) && !job);
  $("#detail").hidden = false;
  $("#detail").replaceChildren(
    ...[
      el("h2", {}, event.id),
      replayable
        ? el(
            "button",
            {
              type: "button",
              id: "replay",
              class: "primary",
              disabled: pruned,
              title: pruned ? "The payload was removed by retention" : "Run again from the first unfinished step",
              onclick: () => replay(event.id),
            },
            "Replay",
          )
        : null,
      el(
        "dl",
        { class: "facts" },
        facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]),
      ),
      event.lastError ? el("div", { class: "error", id: "last-error" }, event.lastError) : null,
      el("h3", {}, "Timeline"),
      event.steps.length
        ? el("ol", { class: "timeline" }, event.steps.map(stepItem))
        : el("p", { class: "meta" }, "No step has run yet."),
      el(
        "details",
        {},
        el("summary", {}, pruned ? `payload removed ${time(event.payloadPrunedAt)}` : "payload"),
        pruned ? null : json(event.payload),
      ),
    ].filter(Boolean),
  );
}

async function select(id) {
  state.selected = id;
  if (location.hash !== `#${id}`) history.replaceState(null, "", `#${id}`);
  for (const tr of document.querySelectorAll("#events tbody tr")) tr.classList.toggle("selected", tr.dataset.id === id);
  try {
    renderDetail(await api(`/admin/events/${encodeURIComponent(id)}`));
  } catch (error) {
    $("#detail").hidden = false;
    $("#detail").replaceChildren(el("div", { class: "error" }, error.message));
  }
}

async function replay(id) {
  try {
    const result = await api(`/admin/events/${encodeURIComponent(id)}/replay`, { method: "POST" });
    notice(result.job === "already_queued" ? `${id} is already queued` : `${id} replayed`);
    await refresh();
  } catch (error) {
    notice(`replay refused: ${error.message}`);
  }
}

async function replayFailed() {
  const { source } = filters();
  if (!confirm(`Replay every failed event${source ? ` from ${source}` : ""}?`)) return;
  try {
    const { replayed, skipped } = await api("/admin/events/replay", {
      method: "POST",
      body: JSON.stringify({ status: "failed", source }),
    });
    notice(
      `${replayed} failed event${replayed === 1 ? "" : "s"} replayed${skipped ? `, ${skipped} skipped (payload removed)` : ""}`,
    );
    await refresh();
  } catch (error) {
    notice(`bulk replay refused: ${error.message}`);
  }
}

async function reload() {
  state.cursor = null;
  await Promise.all([loadCounts(), loadList()]);
}

// Live view: counts, the first page and the open event follow what the workers do.
async function refresh() {
  const extra = state.rows.length > 50;
  await Promise.all([loadCounts(), extra ? null : loadList(), state.selected ? select(state.selected) : null]);
}

$("#filters").addEventListener("submit", (event) => {
  event.preventDefault();
  reload().catch((error) => notice(error.message));
});
$("#filters").status.addEventListener("change", () => reload().catch((error) => notice(error.message)));
$("#filters").type.addEventListener("change", () => reload().catch((error) => notice(error.message)));
$("#more").addEventListener("click", () => loadList({ append: true }).catch((error) => notice(error.message)));
$("#replay-failed").addEventListener("click", replayFailed);
window.addEventListener("hashchange", () => location.hash.length > 1 && select(location.hash.slice(1)));

await reload().catch((error) => notice(error.message));
if (location.hash.length > 1) await select(location.hash.slice(1));
setInterval(() => refresh().catch((error) => notice(`refresh failed: ${error.message}`)), 3000);
