// Facilities: the list with each plant's invite code (operators only see it), and a form
// to create one with its address, position, accepted categories and certifications.

import { gql } from "../lib/api.js";
import { field, h, put, showError, table } from "../lib/dom.js";
import { label } from "../lib/format.js";

const LIST = `{ facilities(first: 100) { nodes { id name permitNumber city location { latitude longitude } acceptedCategories certifications inviteCode } }
  categories { code name } }`;
const CREATE = `mutation Create($input: FacilityInput!) { createFacility(input: $input) { id name inviteCode } }`;
const CERTIFICATIONS = ["HAZARDOUS_BATTERY", "LARGE_APPLIANCE", "DATA_DESTRUCTION", "REFRIGERANT_HANDLING"];

function checkboxes(legend, name, options) {
  return h("fieldset", { class: "checks" }, h("legend", {}, legend),
    options.map(([value, text]) => h("label", {}, h("input", { type: "checkbox", name, value }), ` ${text}`)));
}

const checked = (form, name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);

export function render(main) {
  const errors = h("div");
  const list = h("div", { id: "facilities" });
  const formSlot = h("div");
  put(main, h("h1", { tabindex: "-1" }, "Facilities"), errors, list, formSlot);

  const load = async () => {
    try {
      const data = await gql(LIST);
      put(list, table("Processing facilities, newest first", ["Name", "Permit", "City", "Position", "Accepts", "Certifications", "Invite code"],
        data.facilities.nodes, (f) => [f.name, f.permitNumber, f.city, `${f.location.latitude.toFixed(4)}, ${f.location.longitude.toFixed(4)}`,
          f.acceptedCategories.join(", "), f.certifications.map(label).join(", ") || "none", h("code", { class: "invite" }, f.inviteCode || "—")]));
      if (!formSlot.firstChild) put(formSlot, createForm(data.categories));
    } catch (error) {
      showError(errors, error);
    }
  };

  const createForm = (categories) => {
    const input = (name, type = "text", extra = {}) => h("input", { name, type, ...extra });
    const name = input("name", "text", { required: true });
    const permit = input("permit", "text", { required: true });
    const line1 = input("line1", "text", { required: true });
    const city = input("city", "text", { required: true });
    const postal = input("postal");
    const lat = input("lat", "number", { step: "any", min: -90, max: 90, required: true });
    const lon = input("lon", "number", { step: "any", min: -180, max: 180, required: true });
    const slot = h("div");
    const form = h("form", { class: "card", id: "create-facility", "aria-labelledby": "create-h" },
      h("h2", { id: "create-h" }, "Create a facility"),
      h("div", { class: "grid" }, field("Name", name), field("Permit number", permit), field("Street address", line1),
        field("City", city), field("Postal code", postal), field("Latitude", lat), field("Longitude", lon)),
      checkboxes("Accepted categories", "category", categories.map((c) => [c.code, c.name])),
      checkboxes("Certifications held", "certification", CERTIFICATIONS.map((c) => [c, label(c)])),
      slot, h("button", { type: "submit" }, "Create facility"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      showError(slot, null);
      try {
        const { createFacility: f } = await gql(CREATE, { input: {
          name: name.value.trim(), permitNumber: permit.value.trim(),
          address: { line1: line1.value.trim(), city: city.value.trim(), postalCode: postal.value.trim() || null,
            location: { latitude: Number(lat.value), longitude: Number(lon.value) } },
          acceptedCategories: checked(form, "category"), certifications: checked(form, "certification"),
        } });
        form.reset();
        put(slot, h("p", { class: "ok", role: "status" }, `${f.name} created. Its staff register with the invite code `, h("code", {}, f.inviteCode), "."));
        await load();
      } catch (error) {
        showError(slot, error);
      }
    });
    return form;
  };
  load();
}
