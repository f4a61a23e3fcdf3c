// The reports' two charts, drawn as SVG from the report's rows: bars of kg per category and
// a line of kg per day. Decimal strings become numbers only to place marks; every label
// shows the API's own string.

import { s } from "./dom.js";

const W = 560;

/** Horizontal bars, one per `[label, value string]`, longest first as given. */
export function bars(title, rows) {
  const barH = 22, gap = 6, left = 150, right = 80;
  const height = Math.max(1, rows.length) * (barH + gap) + 10;
  const max = Math.max(0, ...rows.map(([, v]) => Number(v))) || 1;
  const id = `chart-${title.replace(/\W+/g, "-")}`;
  return s("svg", { class: "chart", viewBox: `0 0 ${W} ${height}`, role: "img", "aria-labelledby": id },
    s("title", { id }, title),
    rows.map(([label, value], i) => {
      const y = 5 + i * (barH + gap);
      const w = ((W - left - right) * Number(value)) / max;
      return s("g", { class: "bar" },
        s("text", { x: left - 8, y: y + barH * 0.7, "text-anchor": "end" }, label),
        s("rect", { x: left, y, width: Math.max(w, 1), height: barH }),
        s("text", { x: left + w + 6, y: y + barH * 0.7 }, `${value} kg`));
    }));
}

/** A line over `[day, value string]` points in day order, with a baseline and end labels. */
export function line(title, points) {
  const height = 220, pad = { l: 50, r: 20, t: 16, b: 36 };
  const max = Math.max(0, ...points.map(([, v]) => Number(v))) || 1;
  const n = points.length;
  const x = (i) => pad.l + (n <= 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (n - 1));
  const y = (v) => height - pad.b - ((height - pad.t - pad.b) * Number(v)) / max;
  const id = `chart-${title.replace(/\W+/g, "-")}`;
  return s("svg", { class: "chart", viewBox: `0 0 ${W} ${height}`, role: "img", "aria-labelledby": id },
    s("title", { id }, title),
    s("path", { class: "axis", d: `M ${pad.l} ${pad.t} V ${height - pad.b} H ${W - pad.r}` }),
    s("text", { x: pad.l - 6, y: pad.t + 4, "text-anchor": "end" }, `${max}`),
    s("text", { x: pad.l - 6, y: height - pad.b, "text-anchor": "end" }, "0 kg"),
    n ? s("polyline", { class: "line", points: points.map(([, v], i) => `${x(i)},${y(v)}`).join(" ") }) : null,
    points.map(([day, v], i) => s("circle", { class: "point", cx: x(i), cy: y(v), r: 3.5 }, s("title", {}, `${day}: ${v} kg`))),
    n ? s("text", { x: x(0), y: height - pad.b + 18, "text-anchor": n > 1 ? "start" : "middle" }, points[0][0]) : null,
    n > 1 ? s("text", { x: x(n - 1), y: height - pad.b + 18, "text-anchor": "end" }, points[n - 1][0]) : null);
}
