// One collector (`collector(id)`): their profile and certifications, rating, acceptance
// rate with the offers it counts, current work linking to the orders, last known position,
// and the operator's actions: verify, approve or reject a requested profile change.

import { gql } from "../lib/api.js";
import { field, h, put, showError, table } from "../lib/dom.js";
import { kg, label, when, windowText } from "../lib/format.js";

const COLLECTOR = `query Collector($id: ID!) {
  collector(id: $id) {
    id displayName verified status vehicle capacityKg certifications rating noShows
    pendingProfile { vehicle capacityKg certifications requestedAt }
    acceptanceRate offerCounts { accepted declined expired withdrawn pending }
    currentOrders { id number status window { start end } address { city } }
    lastLocation { latitude longitude } lastLocationAt
  }
}`;
const VERIFY = `mutation Verify($id: ID!) { verifyCollector(collectorId: $id) { id verified } }`;
const APPROVE = `mutation Approve($id: ID!) { approveCollectorProfile(collectorId: $id) { id } }`;
const REJECT = `mutation Reject($id: ID!, $reason: String!) { rejectCollectorProfile(collectorId: $id, reason: $reason) { id } }`;

export const certs = (list) => (list.length ? list.map(label).join(", ") : "none");

/** The acceptance rate as a percentage with what it counts, or why there is none. */
function acceptance(c) {
  const n = c.offerCounts;
  const decided = n.accepted + n.declined + n.expired;
  if (c.acceptanceRate === null) return "no answered offers yet";
  return `${Math.round(c.acceptanceRate * 100)} % (${n.accepted} accepted of ${decided}: ${n.declined} declined, ${n.expired} expired)`;
}

export function render(main, id) {
  const errors = h("div");
  const body = h("div", { id: "collector" });
  put(main, h("h1", { tabindex: "-1" }, "Collector"), errors, body);
  let stopped = false;

  const run = async (action, slot) => {
    showError(slot, null);
    try {
      await action();
      await load();
    } catch (error) {
      showError(slot, error);
    }
  };

  const load = async () => {
    try {
      const { collector: c } = await gql(COLLECTOR, { id });
      if (stopped) return;
      draw(c);
    } catch (error) {
      if (error.code === "NOT_FOUND") put(body, h("p", {}, "No such collector."));
      else showError(errors, error);
    }
  };

  const draw = (c) => {
    put(main.querySelector("h1"), `Collector ${c.displayName || ""} `,
      h("span", { class: `badge ${c.verified ? "good" : "bad"}`, id: "collector-verified" }, c.verified ? "verified" : "not verified"));
    const slot = h("div");
    const row = (term, value, attrs) => [h("dt", {}, term), h("dd", attrs || {}, value)];
    const pending = c.pendingProfile;
    const reason = h("input", { type: "text", name: "reason", required: true });
    const position = c.lastLocation
      ? `${c.lastLocation.latitude.toFixed(5)}, ${c.lastLocation.longitude.toFixed(5)} (${when(c.lastLocationAt)})`
      : "never reported";
    put(body, slot,
      h("section", { class: "card", "aria-labelledby": "profile-h" }, h("h2", { id: "profile-h" }, "Profile"),
        h("dl", { class: "facts" },
          row("Name", c.displayName || "—"), row("Id", h("code", {}, c.id)),
          row("Verification", c.verified ? "verified" : h("button", {
            type: "button", class: "verify", "data-collector-id": c.id,
            onclick: () => run(() => gql(VERIFY, { id: c.id }), slot),
          }, "Verify")),
          row("Status", label(c.status), { id: "collector-status" }),
          row("Vehicle", label(c.vehicle)), row("Capacity", kg(c.capacityKg)),
          row("Certifications", certs(c.certifications), { id: "collector-certifications" }),
          row("Rating", c.rating?.toFixed(2) ?? "not rated yet", { id: "collector-rating" }),
          row("Acceptance rate", acceptance(c), { id: "acceptance-rate" }),
          row("No-shows", c.noShows),
          row("Last known position", position, { id: "collector-position" }))),
      pending ? h("section", { class: "card", "aria-labelledby": "pending-h" }, h("h2", { id: "pending-h" }, "Requested profile change"),
        h("p", {}, `${label(pending.vehicle)}, ${kg(pending.capacityKg)}, ${certs(pending.certifications)} (asked ${when(pending.requestedAt)})`),
        h("button", { type: "button", onclick: () => run(() => gql(APPROVE, { id: c.id }), slot) }, "Approve"),
        h("form", { class: "action", onsubmit: (e) => { e.preventDefault(); run(() => gql(REJECT, { id: c.id, reason: reason.value.trim() }), slot); } },
          field("Reason for rejecting", reason), h("button", { type: "submit" }, "Reject"))) : null,
      h("section", { "aria-labelledby": "work-h" }, h("h2", { id: "work-h" }, `Current work (${c.currentOrders.length})`),
        table("Orders assigned to the collector and not finished, soonest window first",
          ["Order", "State", "Window", "City"], c.currentOrders, (o) => [
            h("a", { href: `#/orders/${o.id}`, class: "order-number" }, o.number),
            h("span", { class: `badge status-${o.status}` }, label(o.status)),
            windowText(o.window), o.address.city,
          ], (o) => ({ "data-order-id": o.id }))),
      h("p", {}, h("a", { href: "#/collectors" }, "All collectors")));
  };
  load();
  return () => { stopped = true; };
}
