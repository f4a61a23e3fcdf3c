// Orders, newest first, filtered by state, service area and the day the pickup window
// starts, all by the API (`pickupOrders`), 50 at a time. The filters live in the address
// (`#/orders?status=…&area=…&from=…&to=…`), so a filtered list can be linked to.

import { gql } from "../lib/api.js";
import { field, h, put, select, showError, table } from "../lib/dom.js";
import { STATUSES, kg, label, money, windowText } from "../lib/format.js";

const ORDERS = `query Orders($status: OrderStatus, $area: ID, $from: DateTime, $to: DateTime, $after: String) {
  pickupOrders(status: $status, areaId: $area, from: $from, to: $to, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id number status window { start end } address { city location { latitude longitude } }
            collector { id displayName } totalWeightKg estimatedPayout finalPayout currency }
  }
}`;

/** Midnight of a `yyyy-mm-dd` date in the browser's zone, as RFC 3339 UTC. */
const dayStart = (date, plusDays = 0) => {
  if (!date) return null;
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
};

export function render(main, _param, query) {
  const status = select("status", [["", "Any state"], ...STATUSES.map((s) => [s, label(s)])], query.get("status") || "");
  const from = h("input", { type: "date", name: "from", value: query.get("from") || "" });
  const to = h("input", { type: "date", name: "to", value: query.get("to") || "" });
  const chosenArea = query.get("area") || "";
  const area = select("area", [["", "Any area"]], "");
  const errors = h("div");
  const results = h("div", { id: "orders" });
  const more = h("button", { type: "button", hidden: true }, "Load more");
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter orders" },
    field("State", status), field("Window from", from, "first day, your time zone"),
    field("Window to", to, "last day, included"), field("Service area", area),
    h("button", { type: "submit" }, "Filter"));
  put(main, h("h1", { tabindex: "-1" }, "Orders"), form, errors, results, more);

  let areas = [];
  let loaded = [];
  let cursor = null;
  const draw = (areaId) => {
    const chosen = areas.find((a) => a.id === areaId);
    put(results, table(
      `${loaded.length} orders${chosen ? ` in ${chosen.name}` : ""}${more.hidden ? "" : " loaded"}, newest first`,
      ["Order", "State", "Window", "City", "Collector", "Weight", "Payout"], loaded, (o) => [
        h("a", { href: `#/orders/${o.id}` }, o.number), h("span", { class: `badge status-${o.status}` }, label(o.status)),
        windowText(o.window), o.address.city, o.collector?.displayName || "—", kg(o.totalWeightKg),
        money(o.finalPayout ?? o.estimatedPayout, o.currency),
      ], (o) => ({ "data-order-id": o.id })));
    results.dataset.loaded = String(++loads);
  };
  let loads = 0;
  const load = async (after) => {
    showError(errors, null);
    try {
      const areaId = area.value || null;
      const data = await gql(ORDERS, {
        status: status.value || null, area: areaId, from: dayStart(from.value), to: dayStart(to.value, 1), after,
      });
      const page = data.pickupOrders;
      loaded = after ? [...loaded, ...page.nodes] : page.nodes;
      cursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      draw(areaId);
    } catch (error) {
      showError(errors, error);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (status.value) params.set("status", status.value);
    if (area.value) params.set("area", area.value);
    if (from.value) params.set("from", from.value);
    if (to.value) params.set("to", to.value);
    history.replaceState(null, "", `#/orders${params.size ? `?${params}` : ""}`);
    load(null);
  });
  more.addEventListener("click", () => load(cursor));
  // The areas first, so an area named in the address is chosen before the list is read.
  gql("{ serviceAreas { id name city } }").then((data) => {
    areas = data.serviceAreas;
    put(area, h("option", { value: "" }, "Any area"),
      areas.map((a) => h("option", { value: a.id, selected: a.id === chosenArea }, `${a.name} (${a.city})`)));
  }).catch((error) => showError(errors, error)).finally(() => load(null));
}
