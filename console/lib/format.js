// What the API gives, shown as it is: money and weights are decimal strings printed as
// received (never turned into floats), times are RFC 3339 UTC shown in the browser's zone.

/** Every order state, in the lifecycle's order. */
export const STATUSES = ["REQUESTED", "DISPATCHING", "ASSIGNED", "EN_ROUTE", "ARRIVED", "INSPECTED",
  "AWAITING_CUSTOMER", "COMPLETED", "CANCELLED", "UNFULFILLED", "FAILED"];

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/** A time in the browser's time zone. */
export function when(iso) {
  return iso ? dateTime.format(new Date(iso)) : "—";
}

/** A window `start – end`, the end as a time when on the same day. */
export function windowText(w) {
  if (!w) return "—";
  const start = new Date(w.start), end = new Date(w.end);
  const sameDay = start.toDateString() === end.toDateString();
  return `${dateTime.format(start)} – ${sameDay ? timeOnly.format(end) : dateTime.format(end)}`;
}

/** An amount with its currency, the decimal string untouched. */
export function money(amount, currency) {
  return amount === null || amount === undefined ? "—" : `${amount} ${currency || ""}`.trim();
}

/** A weight in kg, the decimal string untouched. */
export function kg(weight) {
  return weight === null || weight === undefined ? "—" : `${weight} kg`;
}

/** Seconds until `iso`, never negative. */
export function secondsUntil(iso) {
  return Math.max(0, Math.round((new Date(iso).getTime() - Date.now()) / 1000));
}

/** A readable enum: `EN_ROUTE` → `en route`. */
export function label(value) {
  return value ? value.toLowerCase().replaceAll("_", " ") : "—";
}

/** The first part of a UUID, for tables (the full id is in the title). */
export function shortId(id) {
  return id ? id.slice(0, 8) : "—";
}
