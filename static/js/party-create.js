// The create-party form: the per-person share ⌈total_price / capacity⌉ updated as you type.
// The market and item search boxes that fill hidden market_id / item_id are static/js/combobox.js
// (loaded before this file); data-ready says both are listening.
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=party-create-form]");
  if (!form) return;

  // -- Per-person share -------------------------------------------------------------------
  const price = document.getElementById("id_total_price");
  const capacity = document.getElementById("id_capacity");
  const share = form.querySelector("[data-share-price]");
  const won = new Intl.NumberFormat("ko-KR");

  function updateShare() {
    const total = Number(price.value);
    const people = Number(capacity.value);
    const valid =
      price.value !== "" && capacity.value !== "" &&
      Number.isInteger(total) && Number.isInteger(people) && total > 0 && people > 0;
    share.textContent = valid ? won.format(Math.ceil(total / people)) + share.dataset.won : "—";
  }
  if (price && capacity && share) {
    price.addEventListener("input", updateShare);
    capacity.addEventListener("input", updateShare);
    updateShare();
  }

  // -- Coming back to this page -----------------------------------------------------------
  // The browser refills a form it restores (from the back/forward cache, or from this
  // history entry) without input events, after this script first ran: the share said "—"
  // beside a filled price. A form that was submitted already made its party, so coming back
  // to it loads a fresh form instead (no second party by accident); one left unsubmitted
  // keeps what was typed, and the share follows it.
  const SUBMITTED = "gonggu.partyCreateSubmitted";
  form.addEventListener("submit", () => {
    history.replaceState(Object.assign({}, history.state, { [SUBMITTED]: true }), "");
  });
  window.addEventListener("pageshow", () => {
    if (history.state && history.state[SUBMITTED]) {
      history.replaceState(null, "");
      form.hidden = true; // not the stale form while the fresh one loads
      window.location.replace(window.location.href);
      return;
    }
    if (price && capacity && share) updateShare();
  });

  // -- Market and item pickers: static/js/combobox.js (loaded first) ----------------------------
  if (window.Combobox) form.querySelectorAll("[data-combobox]").forEach(window.Combobox.attach);
  // Listeners are attached: typing now searches (tests wait for this, not for a time).
  form.dataset.ready = "true";
})();
