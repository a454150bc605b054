// The operations inbox: plain DOM, no build step. Everything from the outside world is put
// in the page as text, never as HTML.
import { $, api, el } from "./dom.js";

const state = { tab: "leads", items: [], selected: 0, known: null, fresh: 0, next: null, asOf: null };

const say = (text) => ($("#status").textContent = text);
const cost = (usd) => (usd === null ? "" : ` · $${usd.toFixed(4)}`);

const PAGE = 50;
const CHOICES = { lead: ["hot", "warm", "cold", "spam"], ticket: ["urgent", "high", "normal", "low"] };

/** A reviewer's correction of the AI's category (lead) or priority (ticket), kept for evaluation. */
function labelForm(item) {
  const choices = CHOICES[item.type];
  if (!choices) return null;
  const field = item.type === "lead" ? "category" : "priority";
  const current = item.label?.[field] ?? item.ai.verdict;
  const select = el(
    "select",
    { "aria-label": `Correct ${field}` },
    choices.map((c) => el("option", { value: c, selected: c === current }, c)),
  );
  return el(
    "div",
    { class: "actions label" },
    el("label", {}, `Correct ${field} `, select),
    el(
      "button",
      { type: "button", class: "save-label", onclick: () => saveLabel(item, { [field]: select.value }) },
      "Save correction",
    ),
    item.label
      ? el(
          "span",
          { class: "meta" },
          `labelled: ${[item.label[field], item.label.draft && `draft ${item.label.draft.replace("_", " ")}`].filter(Boolean).join(", ")}`,
        )
      : null,
  );
}

async function saveLabel(item, label) {
  try {
    await api(`/admin/events/${encodeURIComponent(item.eventId)}/label`, {
      method: "POST",
      body: JSON.stringify(label),
    });
    say("Correction saved.");
    await load();
  } catch (error) {
    say(`Not saved: ${error.message}`);
  }
}

/** What stands in for the draft when a lead has none: why, and where to look. */
function noDraft(item) {
  const why =
    item.status === "failed"
      ? "Processing failed, so no reply was drafted."
      : item.status === "completed"
        ? "No reply was drafted."
        : "Still being processed: the AI has not answered yet.";
  return el(
    "p",
    { class: "meta no-draft" },
    `${why} `,
    el("a", { href: `/admin/#${encodeURIComponent(item.eventId)}` }, "See the event"),
  );
}

function draftView(item, index) {
  const d = item.draft;
  const pending = d.status === "pending";
  const textarea = el(
    "textarea",
    { "aria-label": `Draft to ${item.who.email ?? "the customer"}`, readonly: !pending },
    d.body,
  );
  const reason = el("input", {
    type: "text",
    placeholder: "Reason for rejecting (optional)",
    "aria-label": "Reason for rejecting",
  });
  const actions = pending
    ? el(
        "div",
        { class: "actions" },
        el(
          "button",
          { type: "button", class: "approve", disabled: !item.channelConfigured, onclick: () => approve(index) },
          "Approve & send",
        ),
        reason,
        el("button", { type: "button", class: "reject", onclick: () => reject(index) }, "Reject"),
      )
    : el(
        "p",
        { class: "meta" },
        `${d.status}${d.decidedBy ? ` by ${d.decidedBy}` : ""}${d.rejectReason ? `: ${d.rejectReason}` : ""}${d.sentAt ? ` · sent ${new Date(d.sentAt).toLocaleString()}` : ""}`,
      );
  return [
    el(
      "label",
      {},
      el("span", { class: "meta" }, `Draft, sent by ${d.channel}${d.recipient ? ` to ${d.recipient}` : ""}`),
      textarea,
    ),
    item.channelConfigured || !pending
      ? null
      : el(
          "p",
          { class: "warning" },
          `The ${d.channel} channel is not configured: set its variables (see the README) to send this draft.`,
        ),
    actions,
  ];
}

function itemView(item, index) {
  const d = item.draft;
  const who = item.who.contactId
    ? el(
        "a",
        { href: `#contact/${item.who.contactId}`, "data-contact": item.who.contactId },
        item.who.name ?? item.who.email ?? "unknown",
      )
    : el("span", {}, item.who.name ?? item.who.email ?? "unknown");
  const short = item.wrote.length > 180 ? `${item.wrote.slice(0, 180)}…` : item.wrote;
  const wrote = el(
    "details",
    { class: "wrote" },
    el("summary", {}, short || "(no message)"),
    item.wrote.length > 180 ? item.wrote : null,
  );
  return el(
    "article",
    {
      class: `item${index === state.selected ? " selected" : ""}`,
      "data-event": item.eventId,
      "data-draft": d?.id,
      "data-kind": d?.kind,
      tabindex: "-1",
      onclick: () => select(index, false),
    },
    el(
      "h2",
      {},
      who,
      item.ai.verdict ? el("span", { class: `verdict ${item.ai.verdict}` }, item.ai.verdict) : null,
      item.ai.urgency !== null ? el("span", { class: "meta" }, `urgency ${item.ai.urgency}`) : null,
    ),
    el("p", { class: "meta" }, [item.who.email, d?.subject].filter(Boolean).join(" · ")),
    wrote,
    item.ai.reasons.length
      ? el(
          "ul",
          { class: "reasons", "aria-label": "The AI's reasons" },
          item.ai.reasons.map((r) => el("li", {}, r)),
        )
      : null,
    item.ai.provider || item.ai.model
      ? el("p", { class: "meta" }, `AI: ${item.ai.provider ?? "?"} · ${item.ai.model ?? "?"}${cost(item.ai.costUsd)}`)
      : null,
    d ? draftView(item, index) : noDraft(item),
    labelForm(item),
  );
}

function render() {
  const pane = $("#items");
  pane.replaceChildren(
    ...(state.items.length ? state.items.map(itemView) : [el("p", {}, "Nothing here.")]),
    state.next ? el("button", { type: "button", id: "more", onclick: () => loadMore() }, "Load more") : "",
  );
}

function select(index, focus = true) {
  if (state.items.length === 0) return;
  state.selected = Math.max(0, Math.min(index, state.items.length - 1));
  for (const [i, node] of [...document.querySelectorAll(".item")].entries())
    node.classList.toggle("selected", i === state.selected);
  if (focus) document.querySelectorAll(".item")[state.selected]?.focus({ preventScroll: false });
}

async function approve(index) {
  const item = state.items[index];
  const node = document.querySelectorAll(".item")[index];
  if (!item || !node) return;
  if (item.draft?.status !== "pending") return say(item.draft ? `Already ${item.draft.status}.` : "No draft to send.");
  const body = node.querySelector("textarea").value;
  try {
    const edited = body !== item.draft.body;
    await api(`/admin/drafts/${item.draft.id}/approve`, {
      method: "POST",
      body: JSON.stringify(edited ? { body } : {}),
    });
    // Whether the draft needed edits is feedback too: leads and tickets take labels.
    if (CHOICES[item.type])
      await api(`/admin/events/${encodeURIComponent(item.eventId)}/label`, {
        method: "POST",
        body: JSON.stringify({ draft: edited ? "needed_edits" : "good" }),
      }).catch(() => undefined);
    say(`Approved; sending to ${item.who.email ?? "the customer"} by ${item.draft.channel}.`);
    await load();
  } catch (error) {
    say(`Not approved: ${error.message}`);
  }
}

async function reject(index) {
  const item = state.items[index];
  const node = document.querySelectorAll(".item")[index];
  if (!item || !node) return;
  if (item.draft?.status !== "pending")
    return say(item.draft ? `Already ${item.draft.status}.` : "No draft to reject.");
  const reason = node.querySelector("input")?.value.trim();
  try {
    await api(`/admin/drafts/${item.draft.id}/reject`, {
      method: "POST",
      body: JSON.stringify(reason ? { reason } : {}),
    });
    say("Rejected; nothing was sent.");
    await load();
  } catch (error) {
    say(`Not rejected: ${error.message}`);
  }
}

const itemsUrl = (query) => `/admin/inbox/items?${new URLSearchParams({ tab: state.tab, ...query })}`;

/** Loads the tab's first page again, as many items as were shown (so "Load more" is not undone). */
async function load() {
  if (state.tab === "accuracy") return loadAccuracy();
  const limit = String(Math.min(100, Math.max(PAGE, state.items.length)));
  const page = await api(itemsUrl({ limit }));
  state.items = page.items;
  state.next = page.nextCursor;
  state.asOf = page.asOf;
  state.known = new Set(page.items.map((item) => item.eventId));
  state.fresh = 0;
  state.selected = Math.min(state.selected, Math.max(0, page.items.length - 1));
  $("#fresh")?.remove();
  render();
}

/** The next page, appended; focus goes to its first item so the keyboard carries on from there. */
async function loadMore() {
  if (!state.next) return;
  try {
    const page = await api(itemsUrl({ limit: String(PAGE), cursor: state.next }));
    const first = state.items.length;
    state.items.push(...page.items);
    state.next = page.nextCursor;
    for (const item of page.items) state.known.add(item.eventId);
    render();
    select(first);
    say(`${page.items.length} more loaded${state.next ? "" : "; that is all"}.`);
  } catch (error) {
    say(`Not loaded: ${error.message}`);
  }
}

/** Polls without disturbing an edit in progress: says how many new items arrived, loads them on click. */
async function poll() {
  if (state.tab === "accuracy" || !state.known) return;
  try {
    // A little before the last load, for clocks a moment apart; what was shown is not counted again.
    const since = new Date(Date.parse(state.asOf) - 2000).toISOString();
    const { items } = await api(itemsUrl({ since, limit: "100" }));
    const fresh = items.filter((item) => !state.known.has(item.eventId)).length;
    if (fresh !== state.fresh) {
      state.fresh = fresh;
      $("#status").replaceChildren(
        fresh
          ? el(
              "button",
              { type: "button", id: "fresh", onclick: () => load() },
              `${fresh} new item${fresh === 1 ? "" : "s"}: show`,
            )
          : "",
      );
    }
  } catch {
    // The next poll tries again.
  }
}

async function loadAccuracy() {
  const { weeks } = await api("/admin/inbox/accuracy");
  $("#items").replaceChildren(
    el("h2", {}, "Live accuracy: how often reviewers agreed with the AI"),
    weeks.length
      ? el(
          "table",
          { class: "accuracy" },
          el(
            "thead",
            {},
            el(
              "tr",
              {},
              ["Week of", "Task", "Provider", "Model", "Labelled", "Agreed", "Accuracy"].map((h) => el("th", {}, h)),
            ),
          ),
          el(
            "tbody",
            {},
            weeks.map((w) =>
              el(
                "tr",
                {},
                [w.week, w.task, w.provider, w.model, w.labelled, w.agreed, `${Math.round(w.accuracy * 100)}%`].map(
                  (v) => el("td", {}, v),
                ),
              ),
            ),
          ),
        )
      : el("p", {}, "No labels yet."),
  );
}

async function showContact(id) {
  const pane = $("#contact");
  try {
    const c = await api(`/admin/contacts/${encodeURIComponent(id)}`);
    pane.replaceChildren(
      el("h2", { tabindex: "-1" }, c.name ?? c.email),
      el("p", { class: "meta" }, `${c.email}${c.company ? ` · ${c.company}` : ""}`),
      el(
        "p",
        {},
        `Score ${c.score ?? "–"} · ${c.category ?? "uncategorised"} · ${c.isCustomer ? "customer" : "not a customer yet"}`,
      ),
      el("h3", {}, "Timeline"),
      el(
        "ol",
        { class: "timeline" },
        c.timeline.map((t) =>
          el("li", {}, el("time", { datetime: t.at }, new Date(t.at).toLocaleString()), ` · ${t.kind}: ${t.summary}`),
        ),
      ),
      el("a", { href: "#" }, "Close"),
    );
    pane.hidden = false;
    $("#inbox-main").classList.add("with-contact");
    // Keyboard and screen-reader users land on what they opened.
    pane.querySelector("h2").focus();
  } catch (error) {
    say(`Contact: ${error.message}`);
  }
}

function route() {
  const match = location.hash.match(/^#contact\/(.+)$/);
  if (match) return showContact(match[1]);
  const wasOpen = !$("#contact").hidden;
  $("#contact").hidden = true;
  $("#inbox-main").classList.remove("with-contact");
  if (wasOpen) document.querySelectorAll(".item")[state.selected]?.focus();
}

function switchTab(tab) {
  state.tab = tab;
  state.selected = 0;
  state.known = null;
  state.items = [];
  state.next = null;
  for (const button of document.querySelectorAll("#tabs button"))
    button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  say("");
  load().catch((error) => say(error.message));
}

document.addEventListener("keydown", (event) => {
  const typing = ["TEXTAREA", "INPUT"].includes(document.activeElement?.tagName ?? "");
  if (event.key === "Escape" && typing) return document.activeElement.blur();
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const actions = {
    j: () => select(state.selected + 1),
    k: () => select(state.selected - 1),
    a: () => approve(state.selected),
    r: () => reject(state.selected),
    e: () => document.querySelectorAll(".item")[state.selected]?.querySelector("textarea")?.focus(),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

for (const button of document.querySelectorAll("#tabs button"))
  button.addEventListener("click", () => switchTab(button.dataset.tab));
window.addEventListener("hashchange", route);
route();
load().catch((error) => say(error.message));
setInterval(poll, 3000);
