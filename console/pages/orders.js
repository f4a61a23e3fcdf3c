// Orders, newest first, filtered by state and by the day the pickup window starts (both
// done by the API), and by service area (done here, on the orders loaded: the API has no
// area filter, so the page says how many it looked at).

import { gql } from "../lib/api.js";
import { field, h, put, select, showError, table } from "../lib/dom.js";
import { STATUSES, kg, label, money, windowText } from "../lib/format.js";
import { inArea } from "../lib/map.js";

const ORDERS = `query Orders($status: OrderStatus, $from: DateTime, $to: DateTime, $after: String) {
  pickupOrders(status: $status, from: $from, to: $to, first: 50, after: $after) {
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
  const draw = () => {
    const chosen = areas.find((a) => a.id === area.value);
    const shown = chosen ? loaded.filter((o) => inArea(chosen, o.address.location)) : loaded;
    put(results, table(
      chosen ? `${shown.length} of the ${loaded.length} orders loaded are in ${chosen.name}` : `${loaded.length} orders loaded, newest first`,
      ["Order", "State", "Window", "City", "Collector", "Weight", "Payout"], shown, (o) => [
        h("a", { href: `#/orders/${o.id}` }, o.number), h("span", { class: `badge status-${o.status}` }, label(o.status)),
        windowText(o.window), o.address.city, o.collector?.displayName || "—", kg(o.totalWeightKg),
        money(o.finalPayout ?? o.estimatedPayout, o.currency),
      ]));
  };
  const load = async (after) => {
    showError(errors, null);
    try {
      const data = await gql(ORDERS, {
        status: status.value || null, from: dayStart(from.value), to: dayStart(to.value, 1), after,
      });
      const page = data.pickupOrders;
      loaded = after ? [...loaded, ...page.nodes] : page.nodes;
      cursor = page.pageInfo.endCursor;
      more.hidden = !page.pageInfo.hasNextPage;
      draw();
    } catch (error) {
      showError(errors, error);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (status.value) params.set("status", status.value);
    if (from.value) params.set("from", from.value);
    if (to.value) params.set("to", to.value);
    history.replaceState(null, "", `#/orders${params.size ? `?${params}` : ""}`);
    load(null);
  });
  area.addEventListener("change", draw);
  more.addEventListener("click", () => load(cursor));
  gql("{ serviceAreas { id name city center { latitude longitude } radiusKm } }").then((data) => {
    areas = data.serviceAreas;
    put(area, h("option", { value: "" }, "Any area"), areas.map((a) => h("option", { value: a.id }, `${a.name} (${a.city})`)));
  }).catch((error) => showError(errors, error));
  load(null);
}
