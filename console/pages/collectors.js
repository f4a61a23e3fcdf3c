// Collectors: the verification queue (unverified first), then everyone else, each linking
// to the collector's own page (pages/collector.js).

import { gql } from "../lib/api.js";
import { h, put, showError, table } from "../lib/dom.js";
import { kg, label } from "../lib/format.js";
import { certs } from "./collector.js";

const FIELDS = "id displayName verified status vehicle capacityKg certifications rating noShows acceptanceRate";
const LIST = `query Collectors($verified: Boolean, $after: String) {
  collectors(verified: $verified, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${FIELDS} } } }`;
const VERIFY = `mutation Verify($id: ID!) { verifyCollector(collectorId: $id) { id verified } }`;

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

const percent = (rate) => (rate === null || rate === undefined ? "—" : `${Math.round(rate * 100)} %`);

export function render(main) {
  const errors = h("div");
  const body = h("div", { id: "collectors" });
  put(main, h("h1", { tabindex: "-1" }, "Collectors"), errors, body);

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
  const row = (list, caption, last) => table(caption, ["Collector", "Vehicle", "Capacity", "Certifications", "Status", "Rating", "Acceptance", "No-shows", "Verification"], list,
    (c) => [h("a", { href: `#/collectors/${c.id}`, title: c.id, class: "collector-link" }, c.displayName || c.id.slice(0, 8)), label(c.vehicle), kg(c.capacityKg), certs(c.certifications),
      label(c.status), c.rating?.toFixed(1) ?? "—", percent(c.acceptanceRate), c.noShows, last(c)],
    (c) => ({ "data-collector-id": c.id }));

  load();
}
