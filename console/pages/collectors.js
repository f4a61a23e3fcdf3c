// Collectors: the verification queue (unverified first), then everyone else; a collector's
// profile with a pending vehicle change to approve or reject. The API has no query for one
// collector, no names on the operator's view and no acceptance rate, so the page shows
// what `collectors` gives.

import { gql } from "../lib/api.js";
import { field, h, put, showError, table } from "../lib/dom.js";
import { kg, label, shortId, when } from "../lib/format.js";

const FIELDS = "id verified status vehicle capacityKg certifications rating noShows pendingProfile { vehicle capacityKg certifications requestedAt }";
const LIST = `query Collectors($verified: Boolean, $after: String) {
  collectors(verified: $verified, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`;
const VERIFY = `mutation Verify($id: ID!) { verifyCollector(collectorId: $id) { id verified } }`;
const APPROVE = `mutation Approve($id: ID!) { approveCollectorProfile(collectorId: $id) { id } }`;
const REJECT = `mutation Reject($id: ID!, $reason: String!) { rejectCollectorProfile(collectorId: $id, reason: $reason) { id } }`;

async function all(verified) {
  const found = [];
  let after = null;
  for (let page = 0; page < 10; page++) {
    const { collectors } = await gql(LIST, { verified, after });
    found.push(...collectors.nodes);
    if (!collectors.pageInfo.hasNextPage) break;
    after = collectors.pageInfo.endCursor;
  }
  return found;
}

const certs = (list) => (list.length ? list.map(label).join(", ") : "none");

export function render(main, id) {
  const errors = h("div");
  const body = h("div", { id: "collectors" });
  put(main, h("h1", { tabindex: "-1" }, id ? "Collector" : "Collectors"), errors, body);

  const run = async (action, slot) => {
    showError(slot, null);
    try {
      await action();
      await load();
    } catch (error) {
      showError(slot, error);
    }
  };
  const verifyButton = (c, slot) => c.verified
    ? h("span", { class: "badge good" }, "verified")
    : h("button", { type: "button", class: "verify", "data-collector-id": c.id, onclick: () => run(() => gql(VERIFY, { id: c.id }), slot) }, "Verify");

  const load = async () => {
    try {
      const [waiting, verified] = await Promise.all([all(false), all(true)]);
      if (id) return profile([...waiting, ...verified].find((c) => c.id === id));
      const slot = h("div");
      put(body, slot,
        h("section", { "aria-labelledby": "queue-h" }, h("h2", { id: "queue-h" }, `Waiting for verification (${waiting.length})`),
          row(waiting, "Unverified collectors, in sign-up order", (c) => verifyButton(c, slot))),
        h("section", { "aria-labelledby": "verified-h" }, h("h2", { id: "verified-h" }, `Verified (${verified.length})`),
          row(verified, "Verified collectors, in sign-up order", (c) => verifyButton(c, slot))));
    } catch (error) {
      showError(errors, error);
    }
  };
  const row = (list, caption, last) => table(caption, ["Collector", "Vehicle", "Capacity", "Certifications", "Status", "Rating", "No-shows", "Verification"], list,
    (c) => [h("a", { href: `#/collectors/${c.id}`, title: c.id }, shortId(c.id)), label(c.vehicle), kg(c.capacityKg), certs(c.certifications),
      label(c.status), c.rating?.toFixed(1) ?? "—", c.noShows, last(c)],
    (c) => ({ "data-collector-id": c.id }));

  const profile = (c) => {
    if (!c) return put(body, h("p", {}, "No such collector."));
    const slot = h("div");
    const reason = h("input", { type: "text", name: "reason", required: true });
    const row = (term, ...value) => [h("dt", {}, term), h("dd", {}, ...value)];
    const pending = c.pendingProfile;
    put(body, slot,
      h("section", { class: "card" }, h("h2", {}, `Collector ${shortId(c.id)}`),
        h("dl", { class: "facts" },
          row("Id", h("code", {}, c.id)), row("Verification", verifyButton(c, slot)), row("Status", label(c.status)),
          row("Vehicle", label(c.vehicle)), row("Capacity", kg(c.capacityKg)), row("Certifications", certs(c.certifications)),
          row("Rating", c.rating?.toFixed(2) ?? "not rated yet"), row("No-shows", c.noShows))),
      pending ? h("section", { class: "card" }, h("h2", {}, "Requested profile change"),
        h("p", {}, `${label(pending.vehicle)}, ${kg(pending.capacityKg)}, ${certs(pending.certifications)} (asked ${when(pending.requestedAt)})`),
        h("button", { type: "button", onclick: () => run(() => gql(APPROVE, { id: c.id }), slot) }, "Approve"),
        h("form", { class: "action", onsubmit: (e) => { e.preventDefault(); run(() => gql(REJECT, { id: c.id, reason: reason.value.trim() }), slot); } },
          field("Reason for rejecting", reason), h("button", { type: "submit" }, "Reject"))) : null,
      h("p", {}, h("a", { href: "#/collectors" }, "All collectors")));
  };
  load();
}
