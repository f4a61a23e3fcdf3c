// Building the page from data without innerHTML: text is always text, so nothing the API
// returns (names, notes, reasons) can become markup, and no inline style or script is ever
// written (the page's Content-Security-Policy forbids both).

const SVG = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h("a", {href: "#/x"}, "text", child, …). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

/** Replaces what `element` holds. */
export function put(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let ids = 0;
/** A labelled form control: the label's `for` names the control, always. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++ids}`;
  const hintEl = hint ? h("small", { id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintEl);
}

/** A select of `options` ([value, text] pairs), `selected` chosen. */
export function select(name, options, selected) {
  return h("select", { name },
    options.map(([value, text]) => h("option", { value, selected: value === selected }, text)));
}

/** An error box for a failed API call: every message with its code, announced. */
export function errorBox(error) {
  const list = (error.errors || [{ message: String(error.message || error) }]).map((e) =>
    h("li", {}, e.code ? h("code", {}, e.code) : null, e.code ? " " : null, e.message,
      e.field ? ` (field ${e.field})` : null));
  return h("div", { class: "error", role: "alert" }, h("ul", {}, list));
}

/** Shows `error` in `slot` (or clears it when null). */
export function showError(slot, error) {
  put(slot, error ? errorBox(error) : null);
}

/**
 * A table of `rows` with `headers`; `cells(row)` gives each row's cells. Wrapped so a wide
 * table scrolls on its own on a narrow screen instead of widening the page.
 */
export function table(caption, headers, rows, cells, rowAttrs) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.length
      ? rows.map((row) => h("tr", rowAttrs ? rowAttrs(row) : {}, cells(row).map((c) => h("td", {}, c))))
      : h("tr", {}, h("td", { colspan: headers.length, class: "muted" }, "Nothing here.")))));
}
