// Battery reporting tasks, soonest due first (the API's order: the most overdue on top),
// overdue ones marked, each open one with a form to record the platform's reference.

import { gql } from "../lib/api.js";
import { field, h, put, select, showError, table } from "../lib/dom.js";
import { label, shortId, when } from "../lib/format.js";
import { subscribe } from "../lib/ws.js";

const LIST = `query Tasks($status: ComplianceTaskStatus, $after: String) {
  complianceTasks(status: $status, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id kind orderId itemId traceCode step eventAt dueAt dueAtProvisional workingDays status reportedAt reference } } }`;
const MARK = `mutation Mark($id: ID!, $reference: String!) { markComplianceReported(taskId: $id, reference: $reference) { id status } }`;
const OVERDUE = "subscription Overdue { complianceTaskOverdue { id } }";

export function render(main) {
  const status = select("status", [["", "Every task"], ["OVERDUE", "Overdue"], ["OPEN", "Open, not yet due"], ["REPORTED", "Reported"]], "");
  const errors = h("div");
  const list = h("div", { id: "tasks" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  put(main, h("h1", { tabindex: "-1" }, "Compliance tasks"),
    h("form", { class: "filters", role: "search", "aria-label": "Filter tasks" }, field("Show", status)), errors, list, more);
  let tasks = [];
  let cursor = null;

  const report = (t) => {
    if (t.status === "REPORTED") return `${t.reference} (${when(t.reportedAt)})`;
    const reference = h("input", { type: "text", name: "reference", required: true });
    const slot = h("div");
    return h("form", { class: "inline", "data-task-id": t.id, onsubmit: async (e) => {
      e.preventDefault();
      showError(slot, null);
      try {
        await gql(MARK, { id: t.id, reference: reference.value.trim() });
        await load(null);
      } catch (error) {
        showError(slot, error);
      }
    } }, field("Platform reference", reference), h("button", { type: "submit" }, "Mark reported"), slot);
  };
  const draw = () => put(list, table("Reporting tasks by due date, overdue first", ["Due", "State", "Kind", "Item", "Event", "Report"], tasks,
    (t) => [[h("time", { datetime: t.dueAt }, when(t.dueAt)), t.dueAtProvisional ? h("small", {}, " (provisional calendar)") : null],
      h("span", { class: `badge task-${t.status}` }, t.status === "OVERDUE" ? "⚠ overdue" : label(t.status)),
      label(t.kind), [t.traceCode || shortId(t.itemId), " ", h("a", { href: `#/orders/${t.orderId}` }, "order")],
      `${label(t.step)}, ${when(t.eventAt)} (+${t.workingDays} working days)`, report(t)],
    (t) => ({ class: t.status === "OVERDUE" ? "overdue" : null })));
  const load = async (after) => {
    showError(errors, null);
    try {
      const { complianceTasks: page } = await gql(LIST, { status: status.value || null, after });
      tasks = after ? [...tasks, ...page.nodes] : page.nodes;
      cursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      draw();
    } catch (error) {
      showError(errors, error);
    }
  };
  status.addEventListener("change", () => load(null));
  more.addEventListener("click", () => load(cursor));
  load(null);
  return subscribe(OVERDUE, {}, () => load(null));
}
