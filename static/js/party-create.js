// The create-party form: search boxes that fill hidden market_id / item_id (keyboard usable,
// ARIA combobox), and the per-person share ⌈total_price / capacity⌉ updated as you type.
// Translated labels come from data-* attributes; user text is only set with textContent.
(function () {
  "use strict";
  const form = document.querySelector("[data-testid=party-create-form]");
  if (!form) return;
  const msg = form.dataset;

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

  // -- Search comboboxes ----------------------------------------------------------------------
  function describe(kind, row) {
    if (kind === "market") {
      return { main: row.name, sub: row.road_address || row.lot_address || "" };
    }
    return { main: row.name, sub: row.category ? row.category.key : "" };
  }

  function combobox(root) {
    const input = root.querySelector("[data-combobox-input]");
    const list = root.querySelector("[role=listbox]");
    const hidden = document.getElementById(root.dataset.target);
    const chosen = form.querySelector('[data-combobox-chosen][data-for="' + hidden.id + '"]');
    const kind = root.dataset.kind;
    let rows = [];
    let active = -1;
    let timer = null;
    let seq = 0;

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach((el, i) => el.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
    function choose(index) {
      const row = rows[index];
      if (!row) return;
      hidden.value = String(row.id);
      input.value = row.name;
      if (chosen) chosen.textContent = msg.msgChosen + ": " + row.name;
      close();
    }
    function note(text) {
      const li = document.createElement("li");
      li.className = "combo__note";
      li.setAttribute("aria-disabled", "true");
      li.textContent = text;
      list.replaceChildren(li);
      open();
    }
    function render(results) {
      rows = results;
      active = -1;
      if (!rows.length) {
        note(msg.msgNone);
        return;
      }
      const items = rows.map((row, i) => {
        const text = describe(kind, row);
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.className = "combo__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const main = document.createElement("span");
        main.className = "combo__main";
        main.textContent = text.main;
        const sub = document.createElement("small");
        sub.className = "combo__sub";
        sub.textContent = text.sub;
        li.append(main, sub);
        // mousedown, not click: runs before the input's blur closes the list.
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(i);
        });
        return li;
      });
      list.replaceChildren(...items);
      open();
    }
    async function search() {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) {
        rows = [];
        close();
        return;
      }
      try {
        const url = root.dataset.url + "?page_size=8&q=" + encodeURIComponent(q);
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (mine === seq) render(data.results || []);
      } catch (error) {
        if (mine === seq) note(msg.msgError);
      }
    }

    input.addEventListener("input", () => {
      hidden.value = "";
      if (chosen) chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const isOpen = !list.hidden && rows.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (isOpen) highlight(active + 1);
        else search();
      } else if (event.key === "ArrowUp") {
        if (isOpen) {
          event.preventDefault();
          highlight(active - 1);
        }
      } else if (event.key === "Enter") {
        if (isOpen) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  form.querySelectorAll("[data-combobox]").forEach(combobox);
  // Listeners are attached: typing now searches (tests wait for this, not for a time).
  form.dataset.ready = "true";
})();
