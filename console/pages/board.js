// The dispatch board (the landing page): orders per state, offers counting down to their
// expiry, and the map. It follows the network over subscriptions: orderActivity announces
// every order that changes or whose dispatch moves (a new booking, offers sent, declined or
// expired), and the board is then re-read (once for news arriving together);
// collectorLocation moves the collectors on their way; collectorPositions puts the map's
// area's online collectors on it, moves them and takes them off (onlineCollectors reads
// who is online when the area is chosen and with every re-read). Nothing is polled: the
// board is re-read otherwise only when the socket comes back after a drop, for what it
// missed.

import { gql } from "../lib/api.js";
import { field, h, put, select, showError, table } from "../lib/dom.js";
import { STATUSES, kg, label, money, secondsUntil, shortId, windowText } from "../lib/format.js";
import { dispatchMap, inArea, legend } from "../lib/map.js";
import { onStatus, subscribe } from "../lib/ws.js";

// News arriving within this long is read in one go.
const SETTLE_MS = 250;
// The server allows 25 subscriptions a socket: one for activity, one for overdue tasks,
// some for positions.
const MAX_POSITION_SUBS = 10;

const POINT = "{ latitude longitude }";
const BOARD = `query Board {
  dispatchBoard {
    counts { status count }
    dispatching { id number status window { start end } address { city location ${POINT} } totalWeightKg estimatedPayout currency }
    outstandingOffers { id orderId collectorId distanceKm expiresAt }
  }
  moving: pickupOrders(status: EN_ROUTE, first: 10) { nodes { id number status address { location ${POINT} } collector { id displayName } } }
}`;
const PLACES = `query Places { serviceAreas { id name city center ${POINT} radiusKm }
  facilities(first: 100) { nodes { id name location ${POINT} } }
  consoleSettings { mapTileUrl mapTileAttribution } }`;
const ACTIVITY = "subscription Activity { orderActivity { id } }";
const OVERDUE = "subscription Overdue { complianceTaskOverdue { id kind dueAt } }";
const POSITION = `subscription Position($id: ID!) { collectorLocation(orderId: $id) ${POINT} }`;
const ONLINE = `query Online($area: ID!) { onlineCollectors(areaId: $area) {
  collectorId location ${POINT} collector { displayName status } } }`;
const PRESENCE = `subscription Presence($area: ID!) { collectorPositions(areaId: $area) {
  kind position { collectorId location ${POINT} } } }`;

export function render(main) {
  const errors = h("div");
  const live = h("p", { class: "live", id: "live", "data-status": "offline" }, "Connecting…");
  const counts = h("ul", { class: "counts", id: "counts", "aria-label": "Orders per state" });
  const offers = h("section", { "aria-labelledby": "offers-h" });
  const dispatching = h("section", { "aria-labelledby": "dispatching-h" });
  const mapSlot = h("div", { class: "map-slot", id: "map" });
  const areaSelect = select("area", [], "");
  const updated = h("p", { class: "muted", id: "board-updated" });
  put(main,
    h("div", { class: "title-row" }, h("h1", { tabindex: "-1" }, "Dispatch board"), live),
    errors, counts,
    h("div", { class: "board" },
      h("div", {}, offers, dispatching, updated),
      h("section", { class: "card", "aria-labelledby": "map-h" },
        h("h2", { id: "map-h" }, "Map"), field("Service area", areaSelect), mapSlot, legend())));

  let places = { areas: [], facilities: [], tiles: null };
  let board = null;
  let chosenArea = null;
  const positions = new Map(); // order id -> { id, label, location }
  const positionSubs = new Map();
  const online = new Map(); // collector id -> { id, label, status, location }
  let presence = null; // ends the chosen area's collectorPositions
  let stopped = false;

  // Until the operator picks an area, show where the work is: the area holding most of
  // the orders looking for a collector.
  let userChose = false;
  const busiest = () => {
    const count = (a) => board.dispatchBoard.dispatching.filter((o) => inArea(a, o.address.location)).length;
    const best = places.areas.map((a) => [a, count(a)]).sort((x, y) => y[1] - x[1])[0];
    if (best && best[1] > 0) watchArea(best[0].id);
  };

  const drawMap = () => {
    if (!userChose && board && places.areas.length) busiest();
    const area = places.areas.find((a) => a.id === chosenArea);
    if (!area || !board) return;
    const onTheWay = [...positions.values()];
    const following = new Set(onTheWay.map((c) => c.id));
    put(mapSlot, dispatchMap(area, {
      orders: [...board.dispatchBoard.dispatching, ...board.moving.nodes]
        .map((o) => ({ id: o.id, number: o.number, status: o.status, location: o.address.location })),
      collectors: onTheWay,
      // Those on the way are drawn as such (and followed more closely) already.
      online: [...online.values()].filter((c) => !following.has(c.id)),
      facilities: places.facilities,
      tiles: places.tiles,
    }));
  };

  // Who is online in the chosen area; news of someone new arriving together is read once.
  let readingOnline = null;
  const readOnline = () => {
    const area = chosenArea;
    if (!area) return Promise.resolve();
    readingOnline ??= gql(ONLINE, { area }).then((data) => {
      if (stopped || area !== chosenArea) return;
      online.clear();
      for (const c of data.onlineCollectors) {
        online.set(c.collectorId, { id: c.collectorId, label: `${c.collector?.displayName || "Collector"}, ${label(c.collector?.status || "AVAILABLE")}`, status: c.collector?.status || "AVAILABLE", location: c.location });
      }
      drawMap();
    }).catch((error) => showError(errors, error)).finally(() => { readingOnline = null; });
    return readingOnline;
  };
  let onlineSettling = null;
  const onPresence = (data) => {
    const { kind, position: p } = data.collectorPositions;
    const known = online.get(p.collectorId);
    if (kind === "OFFLINE") online.delete(p.collectorId);
    else if (known) known.location = p.location;
    else {
      // Someone new: on the map at once, named by the next read.
      online.set(p.collectorId, { id: p.collectorId, label: "Collector, available", status: "AVAILABLE", location: p.location });
      onlineSettling ??= setTimeout(() => { onlineSettling = null; readOnline(); }, SETTLE_MS);
    }
    drawMap();
  };
  // Follows the online collectors of `id`, the map's area from now on.
  function watchArea(id) {
    if (!id || id === chosenArea && presence) return;
    chosenArea = areaSelect.value = id;
    presence?.();
    online.clear();
    presence = subscribe(PRESENCE, { area: id }, onPresence, (e) => showError(errors, { errors: e }));
    readOnline();
  }

  const countdowns = () => {
    for (const time of main.querySelectorAll("time[data-expires]")) {
      const left = secondsUntil(time.dataset.expires);
      time.textContent = left > 0 ? `${left} s` : "expired";
      time.closest("tr")?.classList.toggle("expired", left === 0);
    }
  };

  const drawBoard = () => {
    const { counts: c, dispatching: orders, outstandingOffers } = board.dispatchBoard;
    const byStatus = new Map(c.map((x) => [x.status, x.count]));
    put(counts, STATUSES.map((status) => h("li", { class: `count status-${status}` },
      h("a", { href: `#/orders?status=${status}` },
        h("span", { class: "number", "data-status": status }, byStatus.get(status) ?? 0), " ", label(status)))));
    const numbers = new Map(orders.map((o) => [o.id, o.number]));
    put(offers, h("h2", { id: "offers-h" }, `Outstanding offers (${outstandingOffers.length})`),
      table("Offers waiting for a collector's answer, soonest expiry first",
        ["Order", "Collector", "Distance", "Expires in"], outstandingOffers, (o) => [
          h("a", { href: `#/orders/${o.orderId}` }, numbers.get(o.orderId) || shortId(o.orderId)),
          h("a", { href: `#/collectors/${o.collectorId}`, title: o.collectorId }, shortId(o.collectorId)),
          `${o.distanceKm.toFixed(1)} km`,
          h("time", { datetime: o.expiresAt, "data-expires": o.expiresAt }, ""),
        ]));
    put(dispatching, h("h2", { id: "dispatching-h" }, `Looking for a collector (${orders.length})`),
      table("Orders being dispatched, soonest window first",
        ["Order", "Window", "City", "Weight", "Estimated payout"], orders, (o) => [
          h("a", { href: `#/orders/${o.id}`, class: "order-number" }, o.number),
          windowText(o.window), o.address.city, kg(o.totalWeightKg), money(o.estimatedPayout, o.currency),
        ], (o) => ({ "data-order-id": o.id })));
    put(updated, `Read at ${new Date().toLocaleTimeString()}`);
    countdowns();
  };

  // Follows the collectors on their way; ends what left the board.
  const follow = () => {
    const moving = board.moving.nodes.filter((o) => o.collector).slice(0, MAX_POSITION_SUBS);
    sync(positionSubs, moving.map((o) => o.id), (id) => {
      const o = moving.find((m) => m.id === id);
      return subscribe(POSITION, { id }, (data) => {
        positions.set(id, { id: o.collector.id, label: `${o.collector.displayName}, on the way to ${o.number}`, location: data.collectorLocation });
        drawMap();
      });
    });
    for (const id of positions.keys()) if (!positionSubs.has(id)) positions.delete(id);
  };

  let reading = null;
  const reread = () => {
    reading ??= gql(BOARD).then((data) => {
      if (stopped) return;
      board = data;
      showError(errors, null);
      drawBoard();
      follow();
      drawMap();
      readOnline();
    }).catch((error) => showError(errors, error)).finally(() => { reading = null; });
    return reading;
  };

  gql(PLACES).then((data) => {
    const settings = data.consoleSettings;
    places = {
      areas: data.serviceAreas, facilities: data.facilities.nodes,
      // Tiles only when the server names a tile URL; the map is drawn without otherwise.
      tiles: settings.mapTileUrl ? { url: settings.mapTileUrl, attribution: settings.mapTileAttribution } : null,
    };
    put(areaSelect, places.areas.map((a) => h("option", { value: a.id }, `${a.name} (${a.city})`)));
    watchArea(places.areas[0]?.id);
    return reread();
  }).catch((error) => showError(errors, error));
  areaSelect.addEventListener("change", () => { userChose = true; watchArea(areaSelect.value); drawMap(); });

  // Operators hear of reporting tasks turning overdue wherever they are on the board.
  const overdue = subscribe(OVERDUE, {}, (data) => {
    const task = data.complianceTaskOverdue;
    put(document.getElementById("notice"), h("p", { class: "warning" },
      `A ${label(task.kind)} report is overdue (due ${new Date(task.dueAt).toLocaleString()}). `,
      h("a", { href: "#/compliance" }, "Compliance tasks")));
  });
  // Back after a drop: what happened meanwhile was not announced to this page.
  let wasLive = false;
  const unlisten = onStatus((status) => {
    live.dataset.status = status;
    put(live, status === "live" ? "● Live" : status === "connecting" ? "Connecting…" : "Offline");
    if (status === "live" && wasLive === false && board) reread();
    wasLive = status === "live";
  });
  // Every change in the network: re-read the board once the burst settles.
  let settling = null;
  const activity = subscribe(ACTIVITY, {}, () => {
    settling ??= setTimeout(() => { settling = null; reread(); }, SETTLE_MS);
  });
  const tick = setInterval(countdowns, 1000);
  return () => {
    stopped = true;
    activity();
    overdue();
    unlisten();
    clearTimeout(settling);
    clearTimeout(onlineSettling);
    clearInterval(tick);
    presence?.();
    for (const end of positionSubs.values()) end();
  };
}

/** Keeps one subscription per id in `wanted`: starts the new ones, ends the rest. */
function sync(subs, wanted, start) {
  for (const [id, end] of subs) if (!wanted.includes(id)) { end(); subs.delete(id); }
  for (const id of wanted) if (!subs.has(id)) subs.set(id, start(id));
}
