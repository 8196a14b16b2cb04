// The activity-core console: plain JavaScript, no build step. Every value from the API is
// put on the page as text (never as HTML). The token lives in this tab's session storage and
// is sent only as a bearer header.
const TOKEN_KEY = "activity-core-admin-token";
const $ = (id) => document.getElementById(id);
let runsFilter = null;

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function message(text) { $("message").textContent = text || ""; }

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined || text === "" ? "–" : String(text);
  if (className) td.className = className;
  return td;
}

async function api(path, method = "GET") {
  const held = token();
  if (!held) throw new Error("no admin token");
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${held}` } });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(TOKEN_KEY);
    show();
    throw new Error(body?.error || `HTTP ${response.status}`);
  }
  if (!response.ok) throw new Error(body?.error || `HTTP ${response.status}`);
  // The token was forgotten (or replaced) while this call was out: its answer is not shown.
  if (token() !== held) throw new Error("the admin token changed");
  return body;
}

async function readiness() {
  const badge = $("readiness");
  try {
    const response = await fetch("/readyz");
    const body = await response.json();
    if (response.ok) {
      const warnings = body.warnings || [];
      badge.textContent = warnings.length ? `ready (${warnings.length} warning${warnings.length > 1 ? "s" : ""})` : "ready";
      badge.className = warnings.length ? "badge warn" : "badge ok";
      badge.title = warnings.join("\n") || "PostgreSQL, Temporal and NATS answer";
    } else {
      badge.textContent = "not ready";
      badge.className = "badge bad";
      badge.title = body.error || "";
    }
  } catch (error) {
    badge.textContent = "unreachable";
    badge.className = "badge bad";
  }
}

function triggerText(trigger) {
  if (!trigger || typeof trigger !== "object") return "";
  if (trigger.type === "cron") return `cron ${trigger.cron_expression || ""}${trigger.timezone ? " " + trigger.timezone : ""}`;
  if (trigger.type === "event") return `event ${trigger.event_type || ""}`;
  return trigger.type || "";
}

function renderDefinitions(definitions) {
  const body = $("definitions-table").tBodies[0];
  body.replaceChildren();
  for (const definition of definitions) {
    const row = body.insertRow();
    row.dataset.id = definition.id;
    const id = cell(row, definition.id);
    id.className = "link";
    id.title = "show this definition's runs";
    id.addEventListener("click", () => { runsFilter = definition.id; loadRuns(); });
    cell(row, definition.name, "wrap");
    cell(row, definition.source, "wrap");
    const status = definition.retired ? "retired" : definition.enabled === false ? "disabled" : definition.enabled ? "enabled" : "unreadable";
    cell(row, status, definition.retired || definition.enabled !== true ? "warn" : "ok");
    cell(row, triggerText(definition.trigger), "wrap");
    const state = cell(row, definition.state, definition.state === "active" ? "ok" : definition.state ? "warn" : "");
    if (definition.error) state.title = definition.error;
    cell(row, definition.next_run);
    cell(row, definition.last_run);
    cell(row, definition.missed_catchup_window);
    cell(row, (definition.drift || []).join(", "), (definition.drift || []).length ? "bad" : "");
    const action = row.insertCell();
    // Any live definition can be run by hand (a disabled one too; it runs as skipped).
    if (!definition.retired && definition.enabled !== null && definition.enabled !== undefined) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Run now";
      button.className = "run-now";
      button.addEventListener("click", () => runNow(definition.id, button));
      action.appendChild(button);
    }
  }
}

function renderRuns(runs) {
  $("runs-filter").textContent = runsFilter ? `of ${runsFilter} (click another id, or reload for all)` : "";
  const body = $("runs-table").tBodies[0];
  body.replaceChildren();
  for (const run of runs) {
    const row = body.insertRow();
    row.dataset.workflow = run.workflow_id;
    cell(row, run.activity_id);
    cell(row, run.trigger);
    const bad = ["failed", "terminated", "timed_out"].includes(run.status);
    cell(row, run.status, run.status === "succeeded" ? "ok" : bad ? "bad" : "warn");
    cell(row, run.attempts);
    cell(row, run.started_at);
    cell(row, run.finished_at);
    cell(row, run.workflow_id, "wrap");
    cell(row, run.error, "wrap bad");
    const action = row.insertCell();
    if (run.status === "running") {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Cancel";
      button.className = "cancel-run";
      button.addEventListener("click", () => cancelRun(run.workflow_id, button));
      action.appendChild(button);
    }
  }
}

async function cancelRun(workflowID, button) {
  button.disabled = true;
  try {
    await api(`/admin/runs/${encodeURIComponent(workflowID)}/cancel`, "POST");
    message("");
    button.textContent = "Cancelling…";
    // The action stops at its next heartbeat (within 5 s), then the run is recorded.
    for (let attempt = 0; attempt < 30; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await loadRuns();
      const row = [...$("runs-table").tBodies[0].rows].find((candidate) => candidate.dataset.workflow === workflowID);
      if (!row || !row.querySelector("button.cancel-run")) break;
    }
  } catch (error) {
    message(`Cancel ${workflowID}: ${error.message}`);
    button.disabled = false;
  }
}

const SYMBOLS = { create: "+", revive: "+", update: "~", retire: "-", delete: "-", pause: "||", unpause: ">", correct: "!" };

// The counts in the order `activity-core sync` prints them.
const COUNT_ORDER = {
  definitions: ["synced", "upserted", "unchanged", "retired", "invalid"],
  event_types: ["synced", "upserted", "unchanged", "retired", "invalid"],
  schedules: ["created", "updated", "unchanged", "paused", "unpaused", "deleted_orphans", "drifted", "corrected"],
};

function countsText(stage, counts) {
  if (!counts) return `${stage}: not requested`;
  return `${stage}: ` + COUNT_ORDER[stage].map((key) => `${key.replace("_", " ")} ${counts[key]}`).join(", ");
}

// The report as `activity-core plan` prints it: one line per change, then stages, warnings, errors.
function reportLines(report) {
  const lines = [];
  for (const change of report.changes) {
    if (change.action === "correct") { lines.push(`! drift ${change.item}: ${(change.fields || []).join(", ")}`); continue; }
    const stage = change.stage === "schedules" ? "" : change.stage + " ";
    lines.push(`${SYMBOLS[change.action] || "="} ${change.action} ${stage}${change.item}${change.paused ? " (paused)" : ""}`);
  }
  if (!report.changes.length) lines.push("= nothing to change");
  lines.push(countsText("definitions", report.definitions), countsText("event_types", report.event_types), countsText("schedules", report.schedules));
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const error of report.errors) lines.push(`error: [${error.stage}] ${error.message}`);
  if (report.errors_truncated) lines.push(`error: ${report.errors_truncated} more errors not shown`);
  return lines;
}

function renderStatus(status) {
  const box = $("last-sync");
  box.replaceChildren();
  const head = document.createElement("p");
  const report = status.last_result;
  if (!report) {
    head.textContent = status.running ? "A sync is running; none has finished yet." : "No sync has run since the worker started.";
    box.appendChild(head);
    return;
  }
  const by = status.last_trigger ? ` by ${status.last_trigger}` : "";
  head.textContent = `Last sync ${report.started_at}${by}, ${report.duration_ms} ms${report.dry_run ? " (dry run)" : ""}: ${report.ok ? "ok" : "with errors"}` +
    (status.interval_seconds ? ` · loop every ${status.interval_seconds} s` : " · loop off") + (status.running ? " · a sync is running" : "");
  head.className = report.ok ? "ok" : "bad";
  box.appendChild(head);
  const list = document.createElement("ul");
  list.className = "problems";
  for (const line of [countsText("definitions", report.definitions), countsText("event_types", report.event_types), countsText("schedules", report.schedules)]) {
    const item = document.createElement("li");
    item.textContent = line;
    list.appendChild(item);
  }
  for (const error of report.errors) {
    const item = document.createElement("li");
    item.className = "bad";
    item.textContent = `error: [${error.stage}] ${error.message}`;
    list.appendChild(item);
  }
  for (const warning of report.warnings) {
    const item = document.createElement("li");
    item.className = "warn";
    item.textContent = `warning: ${warning}`;
    list.appendChild(item);
  }
  box.appendChild(list);
}

async function loadRuns() {
  const query = runsFilter ? `?activity_id=${encodeURIComponent(runsFilter)}&limit=50` : "?limit=50";
  renderRuns(await api(`/admin/runs${query}`));
}

async function load() {
  if (!token()) return;
  try {
    const [definitions, status] = await Promise.all([api("/admin/definitions"), api("/admin/sync/status")]);
    renderDefinitions(definitions);
    renderStatus(status);
    await loadRuns();
    message("");
    document.body.dataset.loaded = String(Date.now());
  } catch (error) {
    message(error.message);
  }
  readiness();
}

async function runNow(id, button) {
  button.disabled = true;
  try {
    const result = await api(`/admin/definitions/${encodeURIComponent(id)}/trigger`, "POST");
    message("");
    button.title = `started ${result.workflow_id}`;
    runsFilter = id;
    // The worker records the run when its workflow starts: look again for a few seconds.
    for (let attempt = 0; attempt < 20; attempt++) {
      await loadRuns();
      if ([...$("runs-table").tBodies[0].rows].some((row) => row.dataset.workflow === result.workflow_id)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } catch (error) {
    message(`Run now ${id}: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

async function sync(dryRun) {
  const output = $("plan-output");
  output.hidden = false;
  output.textContent = dryRun ? "planning…" : "syncing…";
  try {
    const report = await api(`/admin/sync?event_types=true&dry_run=${dryRun}`, "POST");
    output.textContent = (dryRun ? "plan (nothing written):\n" : "sync:\n") + reportLines(report).join("\n");
    output.dataset.done = dryRun ? "plan" : "sync";
    if (!dryRun) await load();
  } catch (error) {
    output.textContent = `${dryRun ? "plan" : "sync"} failed: ${error.message}`;
    output.dataset.done = "error";
  }
}

function show() {
  const has = Boolean(token());
  for (const id of ["sync", "definitions", "runs"]) $(id).hidden = !has;
  $("needs-token").hidden = has;
  $("token-form").hidden = has;
  $("token-forget").hidden = !has;
  if (!has) {
    for (const id of ["definitions-table", "runs-table"]) $(id).tBodies[0].replaceChildren();
    $("last-sync").replaceChildren();
    $("plan-output").textContent = "";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("token").value.trim();
    $("token").value = "";
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    message("");
    show();
    load();
  });
  $("token-forget").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); message(""); show(); });
  $("plan").addEventListener("click", () => sync(true));
  $("run-sync").addEventListener("click", () => sync(false));
  show();
  readiness();
  load();
});
