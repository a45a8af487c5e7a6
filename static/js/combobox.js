// As-you-type search boxes (ARIA 1.2 combobox + listbox), used by the create-party form (market
// and item pickers) and the items page. Markup, all of it server-rendered so the page works
// without JavaScript:
//
//   <div class="combo" data-combobox data-url="/api/v1/..." data-kind="item|market"
//        [data-target="hidden-input-id"]  fill mode: choosing sets that hidden input's value
//        [data-mode="navigate"]           choosing puts the name in the box and submits its form
//        [data-near="field-id"]           send lat/lng of the market chosen in that field
//        [data-lat data-lng]              (or) send this point
//        [data-page-size="8"]>            for paginated endpoints
//     <input role="combobox" aria-controls="LIST" aria-expanded="false" data-combobox-input>
//     <ul id="LIST" role="listbox" hidden></ul>
//   </div>
//
// Messages (translated in the template) come from data-msg-none / -error / -count ("{n}") /
// -chosen on the root or any ancestor. The endpoint answers either a plain list (suggest) or a
// page ({results: [...]}); rows need id and name. User text is only set with textContent.
(function () {
  "use strict";

  const DEBOUNCE_MS = 200;
  const LIMIT = 8;

  function message(root, name) {
    const holder = root.closest("[data-msg-" + name + "]");
    return holder ? holder.getAttribute("data-msg-" + name) : "";
  }

  function describe(kind, row) {
    if (kind === "market") {
      return { main: row.name, sub: row.road_address || row.lot_address || "" };
    }
    // The suggest endpoint sends the category path as a string; the item list, an object.
    const category = row.category;
    const path = typeof category === "string" ? category : category ? category.key : "";
    return { main: row.name, sub: path };
  }

  // The point whose open parties break ties: the market picked in the field named by
  // data-near — a <select> with data-points="id:lat,lng id:lat,lng …", or a hidden input with
  // data-lat / data-lng (set by the template, or below when a market is chosen) — else the
  // root's own data-lat / data-lng.
  function nearPoint(root) {
    const field = root.dataset.near && document.getElementById(root.dataset.near);
    if (!field) return pointOf(root);
    if (!field.value) return null;
    if (field.tagName !== "SELECT") return pointOf(field);
    for (const entry of (field.dataset.points || "").split(" ")) {
      const [id, lat, lng] = entry.split(/[:,]/);
      if (id === field.value && lat && lng) return { lat: lat, lng: lng };
    }
    return null;
  }
  function pointOf(el) {
    const lat = el.dataset.lat;
    const lng = el.dataset.lng;
    return lat && lng ? { lat: lat, lng: lng } : null;
  }

  function attach(root) {
    if (root.dataset.comboboxReady) return;
    const input = root.querySelector("[data-combobox-input]");
    const list = root.querySelector("[role=listbox]");
    if (!input || !list) return;
    const kind = root.dataset.kind;
    const navigate = root.dataset.mode === "navigate";
    const hidden = root.dataset.target ? document.getElementById(root.dataset.target) : null;
    const chosen = hidden
      ? document.querySelector('[data-combobox-chosen][data-for="' + hidden.id + '"]')
      : null;
    // Screen readers hear "N개 제안" / "검색 결과가 없어요" here (the list itself is not live).
    const status = document.createElement("span");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.setAttribute("data-combobox-status", "");
    root.append(status);

    let rows = [];
    let active = -1;
    let timer = null;
    let seq = 0;
    let inflight = null;

    function announce(text) {
      status.textContent = text;
    }
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
      input.value = row.name;
      close();
      announce("");
      if (navigate) {
        if (input.form) {
          if (input.form.requestSubmit) input.form.requestSubmit();
          else input.form.submit();
        }
        return;
      }
      if (hidden) {
        hidden.value = String(row.id);
        if (row.lat != null && row.lng != null) {
          hidden.dataset.lat = String(row.lat);
          hidden.dataset.lng = String(row.lng);
        }
      }
      if (chosen) chosen.textContent = message(root, "chosen") + ": " + row.name;
    }
    function note(text) {
      rows = [];
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const li = document.createElement("li");
      li.className = "combo__note";
      li.setAttribute("aria-disabled", "true");
      li.textContent = text;
      list.replaceChildren(li);
      open();
      announce(text);
    }
    function render(results) {
      rows = results.slice(0, LIMIT);
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!rows.length) {
        note(message(root, "none"));
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
        li.append(main);
        if (text.sub) {
          const sub = document.createElement("small");
          sub.className = "combo__sub";
          sub.textContent = text.sub;
          li.append(sub);
        }
        // mousedown, not click: runs before the input's blur closes the list.
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(i);
        });
        return li;
      });
      list.replaceChildren(...items);
      open();
      announce((message(root, "count") || "{n}").replace("{n}", String(rows.length)));
    }
    function cancel() {
      seq += 1; // a response that is still on its way is now stale
      if (inflight) inflight.abort();
      inflight = null;
    }
    async function search() {
      clearTimeout(timer);
      const q = input.value.trim();
      cancel();
      const mine = seq;
      if (!q) {
        rows = [];
        close();
        announce("");
        return;
      }
      const params = new URLSearchParams({ q: q });
      if (root.dataset.pageSize) params.set("page_size", root.dataset.pageSize);
      const near = nearPoint(root);
      if (near) {
        params.set("lat", near.lat);
        params.set("lng", near.lng);
      }
      const controller = typeof AbortController === "function" ? new AbortController() : null;
      inflight = controller;
      try {
        const response = await fetch(root.dataset.url + "?" + params.toString(), {
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined,
        });
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        if (mine !== seq) return;
        render(Array.isArray(data) ? data : data.results || []);
      } catch (error) {
        if (mine === seq) note(message(root, "error"));
      } finally {
        if (inflight === controller) inflight = null;
      }
    }

    input.addEventListener("input", () => {
      if (hidden) {
        hidden.value = "";
        delete hidden.dataset.lat;
        delete hidden.dataset.lng;
      }
      if (chosen) chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.isComposing) return; // Enter/arrows that finish a Hangul syllable are the IME's
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
        // Fill mode: Enter picks (the first row if none is highlighted) instead of submitting.
        // Navigate mode: Enter on a highlighted row picks it; otherwise the typed query submits.
        if (isOpen && (active >= 0 || !navigate)) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        } else if (navigate) {
          clearTimeout(timer);
          cancel();
          close();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          cancel();
          close();
        }
      }
    });
    input.addEventListener("blur", () =>
      setTimeout(() => {
        if (document.activeElement === input) return;
        clearTimeout(timer);
        cancel();
        close();
      }, 150),
    );
    root.dataset.comboboxReady = "true";
  }

  window.Combobox = { attach: attach };
  document.querySelectorAll("[data-combobox]").forEach(attach);
})();
