// One order: what was booked, what happened to it (events), who has it, where its items are
// (custody items with their chain checked by verifyCustodyChain), its certificate, and what
// an operator may do about it: reassign, cancel with a reason, resolve a discrepancy. Each
// action shows the API's own error when it is refused.

import { gql } from "../lib/api.js";
import { field, h, put, showError, table } from "../lib/dom.js";
import { kg, label, money, shortId, when, windowText } from "../lib/format.js";
import { subscribe } from "../lib/ws.js";

const ORDER = `query Order($id: ID!) {
  pickupOrder(id: $id) {
    id number status version currency estimatedPayout finalPayout totalWeightKg createdAt externalReference
    window { start end } contactName contactPhone notes
    address { line1 line2 city postalCode }
    collector { id displayName vehicle rating }
    lines { id description quotedAmount finalAmount condition weightKg serialNumber blocked blockedReason }
    events { at recordedAt fromStatus toStatus actorRole reason }
    custodyItems { id description categoryCode serialNumber traceCode status weightKg weightEstimated outcome blocked }
    certificate { id url issuedAt }
    payout { amount currency status held reference }
  }
}`;
const CHAIN = `query Chain($id: ID!) { verifyCustodyChain(orderId: $id) { valid items { itemId valid events brokenAtSequence reason } } }`;
const DISCREPANCIES = `{ custodyDiscrepancies(first: 100) { nodes { id kind orderId detail expected found holdsPayout createdAt resolvedAt resolution } } }`;
const COLLECTORS = `{ collectors(first: 100) { nodes { id verified status vehicle certifications } } }`;
const REASSIGN = `mutation Reassign($id: ID!, $collector: ID, $reason: String) {
  reassignOrder(orderId: $id, collectorId: $collector, overrideReason: $reason) { id status collector { displayName } } }`;
const CANCEL = `mutation Cancel($id: ID!, $reason: String!) { cancelPickup(orderId: $id, reason: $reason) { id status } }`;
const RESOLVE = `mutation Resolve($id: ID!, $resolution: String!) { resolveDiscrepancy(id: $id, resolution: $resolution) { id resolvedAt } }`;
const UPDATED = "subscription Updated($id: ID!) { orderUpdated(orderId: $id) { id version } }";

export function render(main, id) {
  const errors = h("div");
  const body = h("div", { id: "order" });
  put(main, h("h1", { tabindex: "-1" }, "Order"), errors, body);
  let stopped = false;

  const load = async () => {
    try {
      const { pickupOrder: order } = await gql(ORDER, { id });
      if (stopped) return;
      if (!order) {
        put(body, h("p", {}, "No such order."));
        return;
      }
      const [chain, discrepancies, collectors] = await Promise.all([
        order.custodyItems.length ? gql(CHAIN, { id }).catch((e) => ({ error: e })) : null,
        gql(DISCREPANCIES).catch(() => null),
        gql(COLLECTORS).catch(() => null),
      ]);
      if (stopped) return;
      put(main.querySelector("h1"), `Order ${order.number} `, h("span", { class: `badge status-${order.status}`, id: "order-status" }, label(order.status)));
      put(body,
        summary(order),
        actions(order, collectors?.collectors.nodes || [], load),
        discrepancySection((discrepancies?.custodyDiscrepancies.nodes || []).filter((d) => d.orderId === id), load),
        lines(order), events(order), custody(order, chain));
    } catch (error) {
      showError(errors, error);
    }
  };
  load();
  const end = subscribe(UPDATED, { id }, () => load());
  return () => { stopped = true; end(); };
}

function summary(o) {
  const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, ...value)];
  return h("section", { class: "card", "aria-labelledby": "summary-h" }, h("h2", { id: "summary-h" }, "Summary"),
    h("dl", { class: "facts" },
      row("Window", windowText(o.window)),
      row("Address", [o.address.line1, o.address.line2, o.address.postalCode, o.address.city].filter(Boolean).join(", ")),
      row("Contact", `${o.contactName}, ${o.contactPhone}`),
      o.notes ? row("Notes", o.notes) : null,
      row("Collector", o.collector
        ? h("a", { href: `#/collectors/${o.collector.id}`, id: "order-collector" }, `${o.collector.displayName} (${label(o.collector.vehicle)}${o.collector.rating ? `, rated ${o.collector.rating.toFixed(1)}` : ""})`)
        : h("span", { id: "order-collector" }, "none")),
      row("Estimated payout", money(o.estimatedPayout, o.currency)),
      row("Final payout", money(o.finalPayout, o.currency)),
      o.payout ? row("Payout", `${label(o.payout.status)}${o.payout.held ? " (held: a discrepancy is open)" : ""}${o.payout.reference ? `, ${o.payout.reference}` : ""}`) : null,
      row("Weight", kg(o.totalWeightKg)),
      row("Booked", when(o.createdAt)),
      o.externalReference ? row("Partner reference", o.externalReference) : null,
      row("Certificate", o.certificate
        ? h("a", { href: o.certificate.url, id: "certificate-link" }, `Certificate of recycling, issued ${when(o.certificate.issuedAt)}`)
        : "not yet (every item must be processed)")));
}

/** A form that runs `action`, then shows its error or calls `done`. */
function actionForm(name, controls, submitText, action, done, danger = false) {
  const errors = h("div", { class: "action-errors" });
  const button = h("button", { type: "submit", class: danger ? "danger" : null }, submitText);
  const form = h("form", { class: "action", id: `${name}-form`, "aria-label": submitText }, controls, button, errors);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    showError(errors, null);
    try {
      await action();
      await done();
    } catch (error) {
      showError(errors, error);
      button.disabled = false;
    }
  });
  return form;
}

function actions(o, collectors, reload) {
  const collector = h("select", { name: "collector" },
    h("option", { value: "" }, "No one: back to dispatch"),
    collectors.map((c) => h("option", { value: c.id, selected: c.id === o.collector?.id },
      `${shortId(c.id)} · ${label(c.vehicle)} · ${label(c.status)}${c.verified ? "" : " · not verified"}`)));
  const override = h("input", { type: "text", name: "override" });
  const reason = h("input", { type: "text", name: "reason", required: true });
  return h("section", { class: "card", "aria-labelledby": "actions-h" }, h("h2", { id: "actions-h" }, "Actions"),
    h("div", { class: "actions" },
      actionForm("reassign", [field("Collector", collector), field("Override reason", override, "only to assign a collector dispatch would not pick")],
        "Reassign", () => gql(REASSIGN, { id: o.id, collector: collector.value || null, reason: override.value.trim() || null }), reload),
      actionForm("cancel", [field("Reason for cancelling", reason)],
        "Cancel order", () => gql(CANCEL, { id: o.id, reason: reason.value.trim() }), reload, true)));
}

function discrepancySection(list, reload) {
  if (!list.length) return null;
  return h("section", { class: "card", "aria-labelledby": "disc-h" }, h("h2", { id: "disc-h" }, "Discrepancies"),
    list.map((d) => {
      const resolution = h("input", { type: "text", name: "resolution", required: true });
      return h("div", { class: "discrepancy" },
        h("p", {}, h("strong", {}, label(d.kind)), `: ${d.detail}`, d.expected ? ` (expected ${d.expected}, found ${d.found ?? "nothing"})` : "",
          d.holdsPayout && !d.resolvedAt ? h("span", { class: "badge bad" }, "holds the payout") : null),
        d.resolvedAt
          ? h("p", { class: "muted" }, `Resolved ${when(d.resolvedAt)}: ${d.resolution}`)
          : actionForm(`resolve-${d.id}`, [field("Resolution", resolution)], "Resolve",
            () => gql(RESOLVE, { id: d.id, resolution: resolution.value.trim() }), reload));
    }));
}

function lines(o) {
  return h("section", { "aria-labelledby": "lines-h" }, h("h2", { id: "lines-h" }, "Lines"),
    table("What was booked and what was found", ["Item", "Condition", "Weight", "Serial", "Quoted", "Final"], o.lines, (l) => [
      [l.description, l.blocked ? h("span", { class: "badge bad" }, `blocked: ${l.blockedReason || "listed"}`) : null],
      label(l.condition), kg(l.weightKg), l.serialNumber || "—", money(l.quotedAmount, o.currency), money(l.finalAmount, o.currency),
    ]));
}

function events(o) {
  return h("section", { "aria-labelledby": "events-h" }, h("h2", { id: "events-h" }, "Events"),
    h("ol", { class: "events" }, o.events.map((e) => h("li", {},
      h("time", { datetime: e.at }, when(e.at)), " ",
      e.fromStatus ? `${label(e.fromStatus)} → ` : "", h("strong", {}, label(e.toStatus)),
      e.actorRole ? ` by ${label(e.actorRole)}` : "", e.reason ? `: ${e.reason}` : ""))));
}

function custody(o, chain) {
  if (!o.custodyItems.length) return h("section", {}, h("h2", {}, "Custody"), h("p", { class: "muted" }, "No items in custody yet (they are created when the pickup completes)."));
  const verdicts = new Map((chain?.verifyCustodyChain?.items || []).map((i) => [i.itemId, i]));
  const badge = chain?.error
    ? h("span", { class: "badge bad" }, `chain not checked: ${chain.error.message}`)
    : chain.verifyCustodyChain.valid
      ? h("span", { class: "badge good", id: "chain-badge" }, "✔ chain valid")
      : h("span", { class: "badge bad", id: "chain-badge" }, "✘ chain broken");
  return h("section", { "aria-labelledby": "custody-h" }, h("h2", { id: "custody-h" }, "Custody ", badge),
    table("Items and the verdict on each item's chain of custody", ["Item", "Serial or trace code", "State", "Weight", "Outcome", "Chain"], o.custodyItems, (i) => {
      const v = verdicts.get(i.id);
      return [i.description, i.traceCode || i.serialNumber || "—", label(i.status),
        `${kg(i.weightKg)}${i.weightEstimated ? " (estimated)" : ""}`, label(i.outcome),
        v ? (v.valid ? h("span", { class: "badge good" }, `valid (${v.events} events)`)
          : h("span", { class: "badge bad" }, `broken at event ${v.brokenAtSequence}: ${v.reason}`)) : "—"];
    }));
}
