// Signing in with an operator's email and password (accounts of other roles are told the
// console is not for them, and their fresh login is revoked at once).

import { signIn } from "../lib/api.js";
import { field, h, put, showError } from "../lib/dom.js";

export function render(main) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const errors = h("div", { id: "sign-in-errors" });
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h("form", { class: "card narrow", id: "sign-in", "aria-describedby": "sign-in-errors" },
    field("Email", email), field("Password", password), errors, button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    showError(errors, null);
    try {
      await signIn(email.value.trim(), password.value);
      password.value = "";
    } catch (error) {
      showError(errors, error);
      button.disabled = false;
      password.select();
    }
  });
  put(main, h("h1", { tabindex: "-1" }, "Sign in"),
    h("p", {}, "For the people who run the network. Operators are created with ", h("code", {}, "reloop create-operator"), "."),
    form);
  email.focus();
}
