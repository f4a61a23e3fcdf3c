// The dispatch map: the service area's outline, open orders, collectors on their way, the
// other online collectors (free or busy) and the facilities, with a scale bar. By default
// it is drawn from coordinates alone on a flat projection in kilometres (nothing to fetch,
// so it works offline and the page loads nothing from elsewhere). When the server names a
// tile URL (consoleSettings), tiles lie underneath and everything is drawn in their Web
// Mercator projection instead, so markers land where the tiles show them
// (projection.js, tiles.js).

import { s, h } from "./dom.js";
import { flat, mercator } from "./projection.js";
import { tileLayer, zoomFor } from "./tiles.js";

/** Whether `point` lies in `area`'s circle. */
export function inArea(area, point) {
  const dx = (point.longitude - area.center.longitude) * 111.32 * Math.cos((area.center.latitude * Math.PI) / 180);
  const dy = (point.latitude - area.center.latitude) * 110.574;
  return Math.hypot(dx, dy) <= area.radiusKm;
}

/** A round length (1, 2 or 5 × 10^n km) near a third of `extent`. */
function scaleLength(extent) {
  const target = extent / 3;
  const power = 10 ** Math.floor(Math.log10(target));
  return [5, 2, 1].map((m) => m * power).find((l) => l <= target) || power;
}

/** The tiles' attribution in the bottom right corner, a little smaller than the scale
 * bar's text; a long one is set smaller still, so that (at about 0.55 em a character) it
 * stays within the right 60 % of the map, clear of the scale bar. */
function attribution(text, extent, unit) {
  const size = Math.min(3.2 * unit, (120 * unit) / (0.55 * text.length));
  return s("text", {
    class: "map-attribution", x: extent - 1.5 * unit, y: extent - 1.5 * unit,
    "font-size": size, "text-anchor": "end",
  }, text);
}

/**
 * The map of `area` ({name, center, radiusKm}) with `orders` ([{id, number, status,
 * location}]), `collectors` on their way ([{id, label, location}]), the other `online`
 * collectors ([{id, label, status, location}]) and `facilities` ([{name, location}]);
 * with `tiles` ({url, attribution}: consoleSettings' template and credit) drawn under it.
 */
export function dispatchMap(area, { orders = [], collectors = [], online = [], facilities = [], tiles = null }) {
  const extentKm = area.radiusKm * 1.08;
  const zoom = tiles ? zoomFor(area.center.latitude, extentKm) : null;
  const projection = tiles ? mercator(area.center, zoom) : flat(area.center);
  const km = projection.perKm; // drawing units per km: 1 on the flat map
  const extent = extentKm * km;
  const unit = extent / 100; // one hundredth of the half-width: sizes that read at any zoom
  const at = projection.at;
  const bar = scaleLength(extentKm);
  const barX = -extent + 4 * unit, barY = extent - 6 * unit;
  const titleId = `map-title-${area.id}`;
  return s("svg", {
    class: tiles ? "map tiled" : "map", viewBox: `${-extent} ${-extent} ${2 * extent} ${2 * extent}`,
    role: "img", "aria-labelledby": titleId, "data-area": area.id, "data-zoom": zoom,
  },
  s("title", { id: titleId },
    `Map of ${area.name}: ${orders.length} open orders, ${collectors.length} collectors on the way, ${online.length} other collectors online, ${facilities.length} facilities`),
  s("rect", { class: "map-ground", x: -extent, y: -extent, width: 2 * extent, height: 2 * extent }),
  tiles ? tileLayer(tiles.url, zoom, projection.origin, extent) : null,
  s("circle", { class: "map-area", cx: 0, cy: 0, r: area.radiusKm * km }),
  [0.25, 0.5, 0.75].map((f) => s("circle", { class: "map-ring", cx: 0, cy: 0, r: area.radiusKm * f * km })),
  s("path", { class: "map-cross", d: `M ${-unit * 2} 0 H ${unit * 2} M 0 ${-unit * 2} V ${unit * 2}` }),
  facilities.map((f) => {
    const [x, y] = at(f.location);
    return s("rect", { class: "map-facility", x: x - 1.6 * unit, y: y - 1.6 * unit, width: 3.2 * unit, height: 3.2 * unit },
      s("title", {}, `Facility ${f.name}`));
  }),
  orders.map((o) => {
    const [x, y] = at(o.location);
    return s("a", { href: `#/orders/${o.id}`, class: "map-order-link" },
      s("circle", { class: `map-order status-${o.status}`, cx: x, cy: y, r: 1.8 * unit, "data-order": o.number }),
      s("title", {}, `${o.number}: ${o.status.toLowerCase().replaceAll("_", " ")}`));
  }),
  online.map((c) => {
    const [x, y] = at(c.location);
    const r = 2 * unit;
    return s("path", {
      class: `map-online status-${c.status}`, "data-online-collector": c.id,
      d: `M ${x} ${y - r} L ${x + r} ${y} L ${x} ${y + r} L ${x - r} ${y} Z`,
    }, s("title", {}, c.label));
  }),
  collectors.map((c) => {
    const [x, y] = at(c.location);
    const r = 2.2 * unit;
    return s("path", {
      class: "map-collector", "data-collector": c.id,
      d: `M ${x} ${y - r} L ${x + r} ${y + r * 0.8} L ${x - r} ${y + r * 0.8} Z`,
    }, s("title", {}, c.label));
  }),
  s("g", { class: "map-scale" },
    s("path", { d: `M ${barX} ${barY - unit} V ${barY} H ${barX + bar * km} V ${barY - unit}` }),
    s("text", { x: barX, y: barY + 4.5 * unit, "font-size": 4 * unit }, `${bar} km`)),
  s("text", { class: "map-label", x: 0, y: -area.radiusKm * km - unit, "font-size": 4 * unit, "text-anchor": "middle" },
    `${area.name} (${area.radiusKm} km)`),
  tiles?.attribution ? attribution(tiles.attribution, extent, unit) : null);
}

/** The map's key, as a list a screen reader reads too. */
export function legend() {
  const swatch = (cls, shape) => s("svg", { class: "swatch", viewBox: "-5 -5 10 10", "aria-hidden": "true" }, shape(cls));
  return h("ul", { class: "legend" },
    h("li", {}, swatch("map-order status-DISPATCHING", (c) => s("circle", { class: c, r: 4 })), " order looking for a collector"),
    h("li", {}, swatch("map-order status-ASSIGNED", (c) => s("circle", { class: c, r: 4 })), " order assigned or on its way"),
    h("li", {}, swatch("map-collector", (c) => s("path", { class: c, d: "M 0 -4 L 4 3 L -4 3 Z" })), " collector on the way"),
    h("li", {}, swatch("map-online status-AVAILABLE", (c) => s("path", { class: c, d: "M 0 -4 L 4 0 L 0 4 L -4 0 Z" })), " collector online, free"),
    h("li", {}, swatch("map-online status-BUSY", (c) => s("path", { class: c, d: "M 0 -4 L 4 0 L 0 4 L -4 0 Z" })), " collector online, busy"),
    h("li", {}, swatch("map-facility", (c) => s("rect", { class: c, x: -3.5, y: -3.5, width: 7, height: 7 })), " facility"),
    h("li", {}, swatch("map-area", (c) => s("circle", { class: c, r: 4 })), " service area"));
}
