// The console's shell: who is signed in, which section the `#/…` address names, and
// leaving a section cleanly (its timers stopped, its subscriptions completed).

import { currentSession, onSession, resume, signOut } from "./lib/api.js";
import { closeAll } from "./lib/ws.js";
import { h, put } from "./lib/dom.js";
import * as signin from "./pages/signin.js";
import * as board from "./pages/board.js";
import * as orders from "./pages/orders.js";
import * as order from "./pages/order.js";
import * as collectors from "./pages/collectors.js";
import * as collector from "./pages/collector.js";
import * as facilities from "./pages/facilities.js";
import * as compliance from "./pages/compliance.js";
import * as reports from "./pages/reports.js";

const ROUTES = [
  [/^#\/board$/, board, "board"],
  [/^#\/orders$/, orders, "orders"],
  [/^#\/orders\/([0-9a-f-]+)$/, order, "orders"],
  [/^#\/collectors$/, collectors, "collectors"],
  [/^#\/collectors\/([0-9a-f-]+)$/, collector, "collectors"],
  [/^#\/facilities$/, facilities, "facilities"],
  [/^#\/compliance$/, compliance, "compliance"],
  [/^#\/reports$/, reports, "reports"],
];

const main = document.getElementById("main");
let leave = null;

function show() {
  if (leave) leave();
  leave = null;
  const session = currentSession();
  document.getElementById("nav").hidden = !session;
  document.getElementById("account").hidden = !session;
  if (!session) {
    leave = signin.render(main);
    return;
  }
  put(document.getElementById("who"), `${session.user.displayName} (${session.user.email})`);
  const [hash, query] = (location.hash || "#/board").split("?");
  const found = ROUTES.find(([pattern]) => pattern.test(hash));
  for (const link of document.querySelectorAll("#nav a")) {
    if (found && link.dataset.section === found[2]) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!found) {
    put(main, h("h1", { tabindex: "-1" }, "Not found"), h("p", {}, h("a", { href: "#/board" }, "Back to the dispatch board")));
    return;
  }
  const [, param] = hash.match(found[0]);
  leave = found[1].render(main, param, new URLSearchParams(query || "")) || null;
  // Keyboard and screen-reader users land on the new section's heading.
  main.querySelector("h1")?.focus({ preventScroll: true });
}

let signedIn = false;
onSession((session) => {
  if (!session) closeAll();
  // A refresh changes the tokens, not the page: only signing in or out redraws it.
  if (Boolean(session) !== signedIn) {
    signedIn = Boolean(session);
    show();
  }
});
window.addEventListener("hashchange", () => { if (currentSession()) show(); });
document.getElementById("sign-out").addEventListener("click", async () => {
  await signOut();
  location.hash = "#/board";
});

resume().then((session) => { if (!session) show(); });
