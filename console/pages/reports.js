// The collection report: a period and a grouping, the report as a table (with its totals),
// kg per category as bars and kg per day as a line, and the same report as CSV
// (GET /reports/collection.csv with the operator's token, saved as a file).

import { download, gql } from "../lib/api.js";
import { field, h, put, select, showError } from "../lib/dom.js";
import { label, money } from "../lib/format.js";
import { bars, line } from "../lib/charts.js";

const ROW = "key orders items weightKg measuredWeightKg estimatedWeightKg payout disposalFees materials { material kg } co2eAvoidedKg";
const REPORT = `query Report($from: DateTime!, $to: DateTime!, $groupBy: [ReportDimension!]!) {
  table: collectionReport(from: $from, to: $to, groupBy: $groupBy) { rows { ${ROW} } totals { ${ROW} } }
  byCategory: collectionReport(from: $from, to: $to, groupBy: [CATEGORY]) { rows { key weightKg } }
  byDay: collectionReport(from: $from, to: $to, groupBy: [DAY]) { rows { key weightKg } }
}`;
const DIMENSIONS = ["CATEGORY", "AREA", "COLLECTOR", "FACILITY", "DAY", "MONTH"];

/** `yyyy-mm-dd` of a local date. */
const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
/** Local midnight of a `yyyy-mm-dd` day (plus days), as RFC 3339 UTC. */
const midnight = (day, plus = 0) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d + plus).toISOString();
};

export function render(main) {
  const today = new Date();
  const from = h("input", { type: "date", name: "from", required: true, value: iso(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29)) });
  const to = h("input", { type: "date", name: "to", required: true, value: iso(today) });
  const groupBy = select("groupBy", DIMENSIONS.map((d) => [d, label(d)]), "CATEGORY");
  const errors = h("div");
  const output = h("div", { id: "report" });
  const csvStatus = h("p", { id: "csv-status", role: "status" });
  const csvButton = h("button", { type: "button", id: "csv" }, "Download CSV");
  const form = h("form", { class: "filters", id: "report-form", "aria-label": "Report period and grouping" },
    field("From", from, "first day"), field("To", to, "last day, included"), field("Group by", groupBy),
    h("button", { type: "submit" }, "Show report"), csvButton);
  put(main, h("h1", { tabindex: "-1" }, "Collection report"), form, csvStatus, errors, output);

  const period = () => ({ from: midnight(from.value), to: midnight(to.value, 1) });
  const load = async () => {
    showError(errors, null);
    try {
      const data = await gql(REPORT, { ...period(), groupBy: [groupBy.value] });
      draw(data);
    } catch (error) {
      showError(errors, error);
    }
  };
  const draw = ({ table: report, byCategory, byDay }) => {
    const cells = (r) => [r.orders, r.items, `${r.weightKg} kg`, `${r.measuredWeightKg} / ${r.estimatedWeightKg}`,
      money(r.payout), money(r.disposalFees), r.materials.map((m) => `${m.material} ${m.kg}`).join(", ") || "—",
      `${r.co2eAvoidedKg} kg`];
    const heads = [label(groupBy.value), "Orders", "Items", "Weight", "Measured / estimated kg", "Payouts", "Disposal fees", "Recovered (kg)", "CO2e avoided (estimate)"];
    const sorted = [...byCategory.rows].sort((a, b) => Number(b.weightKg) - Number(a.weightKg));
    put(output,
      h("table", { id: "report-table" },
        h("caption", {}, `Collected from ${from.value} to ${to.value}, by ${label(groupBy.value)}`),
        h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, report.rows.length
          ? report.rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.key.join(" · ") || "—"), cells(r).map((c) => h("td", {}, c))))
          : h("tr", {}, h("td", { colspan: heads.length, class: "muted" }, "Nothing collected in this period."))),
        h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Total"), cells(report.totals).map((c) => h("td", {}, c))))),
      h("div", { class: "charts" },
        h("figure", { id: "chart-category" }, h("figcaption", {}, "Kg collected per category"),
          bars("Kg collected per category", sorted.map((r) => [r.key[0], r.weightKg]))),
        h("figure", { id: "chart-day" }, h("figcaption", {}, "Kg collected per day"),
          line("Kg collected per day", byDay.rows.map((r) => [r.key[0], r.weightKg])))));
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  csvButton.addEventListener("click", async () => {
    put(csvStatus, "Preparing the CSV…");
    const { from: f, to: t } = period();
    const query = new URLSearchParams({ from: f, to: t, groupBy: groupBy.value });
    try {
      const blob = await download(`/reports/collection.csv?${query}`);
      const name = `collection-${from.value}-to-${to.value}-by-${groupBy.value.toLowerCase()}.csv`;
      const link = h("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      csvStatus.dataset.query = query.toString();
      put(csvStatus, `Saved ${name} (${blob.size} bytes).`);
    } catch (error) {
      put(csvStatus, "");
      showError(errors, error);
    }
  });
  load();
}
