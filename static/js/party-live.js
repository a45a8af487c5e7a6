// Pages that stay live: a party's page (status, seats, actions, member list) and the nearby
// list (parties that fill, close or are cancelled get marked), without a reload.
//
// Both listen to /api/v1/parties/live?ids=… (parties/live.py), which sends each party's
// public state when it connects (and reconnects: the browser's EventSource does that by
// itself) and again after every change. Nothing here counts on its own: the party page
// re-reads its live fragment for this viewer, one request at a time (a change during a read
// reads again), so what it shows is never older than the last change it heard of.
// Labels come from data-* attributes (Django i18n); user text is only set with textContent.
(function () {
  "use strict";

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, (all, key) =>
      key in values ? String(values[key]) : all
    );
  }

  function announcer(region) {
    let timer = null;
    return function (text) {
      if (!region || !text) return;
      // Cleared first so the same sentence twice is announced twice.
      region.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(() => {
        region.textContent = text;
      }, 50);
    };
  }

  function listen(url, ids, onState) {
    if (!("EventSource" in window) || !ids.length) return null;
    const source = new EventSource(url + "?ids=" + ids.join(","));
    source.addEventListener("state", (event) => {
      let state;
      try {
        state = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      onState(state);
    });
    return source;
  }

  // -- The party page ----------------------------------------------------------------------
  const partyLive = document.querySelector("[data-party-live]");
  if (partyLive) {
    const say = announcer(partyLive);
    const ds = partyLive.dataset;
    let reading = false;
    let again = false;

    function membersIn(root) {
      const found = new Map();
      root.querySelectorAll('[data-live-part="members"] [data-member-id]').forEach((li) => {
        const name = li.querySelector("[data-member-name]");
        found.set(li.dataset.memberId, name ? name.textContent.trim() : "");
      });
      return found;
    }

    function statusIn(root) {
      const el = root.querySelector('[data-live-part="head"] [data-testid="party-status"]');
      const match = el && /status--(\w+)/.exec(el.className);
      return match ? match[1] : "";
    }

    // The same markup apart from the per-render CSRF token: nothing to swap.
    function sameAs(current, fresh) {
      const strip = (el) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll("input[name=csrfmiddlewaretoken], input[name=confirmed]")
          .forEach((input) => input.remove());
        return copy.outerHTML;
      };
      return strip(current) === strip(fresh);
    }

    function apply(html) {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      const before = membersIn(document);
      const statusBefore = statusIn(document);
      let changed = false;
      fresh.querySelectorAll("[data-live-part]").forEach((part) => {
        const current = document.querySelector(
          '[data-live-part="' + part.dataset.livePart + '"]'
        );
        if (!current || sameAs(current, part)) return;
        // Keep the keyboard where it was when the button it was on is still there.
        const focused = current.contains(document.activeElement)
          ? document.activeElement.getAttribute("data-action")
          : null;
        const replacement = document.importNode(part, true);
        current.replaceWith(replacement);
        changed = true;
        if (focused) {
          const again = replacement.querySelector('[data-action="' + focused + '"]');
          if (again) again.focus();
        }
      });
      if (!changed) return;
      const after = membersIn(document);
      const news = [];
      after.forEach((name, id) => {
        if (!before.has(id)) news.push(fill(ds.msgJoined, { name: name }));
      });
      before.forEach((name, id) => {
        if (!after.has(id)) news.push(fill(ds.msgLeft, { name: name }));
      });
      const status = statusIn(document);
      if (status !== statusBefore) {
        const key = "msg" + status.charAt(0).toUpperCase() + status.slice(1);
        if (ds[key]) news.push(ds[key]);
      }
      const count = document.querySelector('[data-testid="party-members-count"]');
      if (news.length && count) news.push(fill(ds.msgCount, { count: count.textContent.trim() }));
      say(news.join(" "));
      partyLive.dispatchEvent(new CustomEvent("party-live:updated", { bubbles: true }));
    }

    function read() {
      if (reading) {
        again = true; // read once more when this one is done: it may predate the change
        return;
      }
      reading = true;
      fetch(ds.fragmentUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "text/html" },
      })
        .then((response) => (response.ok ? response.text() : null))
        .then((html) => {
          if (html !== null) apply(html);
        })
        .catch(() => {}) // offline: the next change, reconnect or visit reads again
        .finally(() => {
          reading = false;
          if (again) {
            again = false;
            read();
          }
        });
    }

    const source = listen(ds.streamUrl, [ds.partyId], read);
    if (source) {
      source.addEventListener("open", () => {
        partyLive.dataset.stream = "open";
      });
      source.addEventListener("error", () => {
        partyLive.dataset.stream = "reconnecting";
      });
    }
    // A phone puts a background tab to sleep: read again when it is looked at.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") read();
    });
  }

  // -- The nearby list ---------------------------------------------------------------------
  const list = document.querySelector("[data-nearby-live]");
  if (list) {
    const ds = list.dataset;
    const say = announcer(document.querySelector('[data-testid="nearby-live-status"]'));
    const cards = Array.from(list.querySelectorAll("[data-party-id]"));
    const ids = Array.from(new Set(cards.map((card) => card.dataset.partyId)));

    function show(state) {
      cards
        .filter((card) => card.dataset.partyId === String(state.party_id))
        .forEach((card) => {
          const members = card.querySelector("[data-card-members]");
          if (members) {
            members.textContent = fill(ds.msgMembers, {
              count: state.member_count,
              capacity: state.capacity,
            });
          }
          const wasEnded = card.dataset.ended === "true";
          if (state.open || wasEnded) return;
          card.dataset.ended = "true";
          card.classList.add("party-card--ended");
          const badge = card.querySelector("[data-card-status]");
          if (badge) {
            badge.className = "status status--" + state.status;
            badge.textContent =
              state.status === "recruiting" || state.status === "closed"
                ? ds.msgEnded
                : state.status_label;
          }
          const left = card.querySelector("[data-card-left]");
          if (left) left.hidden = true;
          const titleEl = card.querySelector('[data-testid="party-title"]');
          const title = titleEl ? titleEl.textContent.trim() : "";
          say(fill(state.status === "cancelled" ? ds.msgCancelled : ds.msgClosed, { title: title }));
        });
    }

    const source = listen(ds.streamUrl, ids, show);
    if (source) {
      source.addEventListener("open", () => {
        list.dataset.stream = "open";
      });
    }
  }
})();
