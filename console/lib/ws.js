// A small client of the graphql-transport-ws protocol (the one the API speaks on
// GET /graphql upgraded to a WebSocket): one socket for every subscription of the page,
// authenticated in connection_init, answering pings, and coming back after a drop with its
// subscriptions re-sent. Written here rather than vendoring graphql-ws because the console
// needs only this much of it and no bundler.

import { accessToken, refresh } from "./api.js";

let socket = null;
let acked = false;
let nextId = 1;
let retry = 0;
let reconnectTimer = null;
const active = new Map(); // id -> { payload, sink }
const statusListeners = new Set();

/**
 * Calls `listener(status)` with "connecting", "live" or "offline" as the socket changes;
 * returns the function that stops it.
 */
export function onStatus(listener) {
  statusListeners.add(listener);
  listener(status());
  return () => statusListeners.delete(listener);
}

function status() {
  return acked ? "live" : socket ? "connecting" : "offline";
}

function announce() {
  const now = status();
  statusListeners.forEach((l) => l(now));
}

function send(message) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function connect() {
  if (socket || !accessToken()) return;
  const url = new URL("/graphql", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(url, "graphql-transport-ws");
  socket = ws;
  acked = false;
  announce();
  ws.addEventListener("open", () => {
    ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${accessToken()}` } }));
  });
  ws.addEventListener("message", (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    switch (message.type) {
      case "connection_ack":
        acked = true;
        retry = 0;
        for (const [id, sub] of active) send({ id, type: "subscribe", payload: sub.payload });
        announce();
        break;
      case "ping":
        send({ type: "pong" });
        break;
      case "next":
        active.get(message.id)?.sink.next(message.payload);
        break;
      case "error":
        active.get(message.id)?.sink.error(message.payload);
        active.delete(message.id);
        break;
      case "complete":
        active.delete(message.id);
        break;
    }
  });
  ws.addEventListener("close", async (event) => {
    if (socket !== ws) return;
    socket = null;
    acked = false;
    announce();
    if (!active.size || event.code === 1000) return;
    // 4403: the access token was refused (expired): fresh tokens, then try again.
    if (event.code === 4403) {
      try { await refresh(); } catch { return; }
    }
    const delay = Math.min(10_000, 500 * 2 ** retry++);
    reconnectTimer = setTimeout(() => { reconnectTimer = null; connect(); }, delay);
  });
}

/**
 * Subscribes to `query`; `next(data)` gets each result's data, `error(errors)` a refusal.
 * Returns the function that ends the subscription.
 */
export function subscribe(query, variables, next, error = () => {}) {
  const id = String(nextId++);
  const payload = { query, variables };
  active.set(id, {
    payload,
    sink: {
      next: (result) => (result.errors?.length ? error(result.errors) : next(result.data)),
      error,
    },
  });
  if (acked) send({ id, type: "subscribe", payload });
  else connect();
  return () => {
    if (active.delete(id)) send({ id, type: "complete" });
  };
}

/** Ends every subscription and closes the socket (signing out). */
export function closeAll() {
  active.clear();
  clearTimeout(reconnectTimer);
  const ws = socket;
  socket = null;
  acked = false;
  ws?.close(1000, "signed out");
  announce();
}
