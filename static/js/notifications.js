// Live notifications for a signed-in user: one EventSource on GET /api/v1/notifications/stream
// (session cookie). Each notification bumps the bell's unread badge in the header and shows a
// toast linking to its party, which hides itself after a few seconds (not while hovered or
// focused). The first connection asks for everything after the newest notification the page
// was rendered with (?last_event_id=), so nothing that arrived in between is lost; reconnects
// send Last-Event-ID themselves. Ids already shown are ignored. Labels come from data-*
// attributes (translated by Django); notification text is only ever set with textContent.
(function () {
  "use strict";
  const region = document.querySelector("[data-toasts]");
  if (!region || !window.EventSource) return;
  const msg = region.dataset;
  const badge = document.querySelector("[data-bell-badge]");
  const label = document.querySelector("[data-bell-label]");

  // Every type the server sends (notifications/kinds.py, via data-types). EventSource only
  // hands named events to listeners registered under their name.
  const TYPES = (msg.types || "").split(" ").filter(Boolean);
  const SHOW_MS = 6000;
  const MAX_TOASTS = 3;

  let lastId = parseInt(msg.lastId, 10) || 0;
  let unread = label ? parseInt(label.dataset.count, 10) || 0 : 0;

  function renderCount() {
    if (badge) {
      badge.textContent = unread > 99 ? "99+" : String(unread);
      badge.hidden = unread === 0;
    }
    if (label) {
      label.dataset.count = String(unread);
      label.textContent = unread ? label.dataset.template.replace("{n}", String(unread)) : "";
    }
  }

  // A same-site path only: a notification's url is a party page such as /parties/12/.
  function safePath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" &&
      url.charAt(1) !== "\\" ? url : null;
  }

  function dismiss(toast) {
    if (!toast.isConnected) return;
    toast.classList.add("is-leaving");
    window.setTimeout(function () { toast.remove(); }, 200);
  }

  function showToast(note) {
    // A notification that grew (a later event of the same action, notifications/services.py)
    // replaces its toast rather than adding one.
    const shown = region.querySelector('[data-notification-id="' + Number(note.id) + '"]');
    if (shown) shown.remove();
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.setAttribute("data-testid", "toast");
    toast.dataset.type = note.type || "";
    toast.dataset.notificationId = String(Number(note.id) || 0);

    const body = document.createElement("div");
    body.className = "toast__body";
    const title = document.createElement("strong");
    title.className = "toast__title";
    title.textContent = msg.msgTitle;
    const text = document.createElement("p");
    text.className = "toast__text";
    text.textContent = note.message || note.title || "";
    body.append(title, text);
    const href = safePath(note.url);
    if (href) {
      const link = document.createElement("a");
      link.className = "toast__link";
      link.href = href;
      link.textContent = msg.msgOpen;
      body.append(link);
    }

    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("aria-label", msg.msgClose);
    close.textContent = "×";
    close.addEventListener("click", function () { dismiss(toast); });

    toast.append(body, close);
    region.append(toast);
    while (region.children.length > MAX_TOASTS) region.firstElementChild.remove();

    // Auto-hide, but never while the pointer or keyboard focus is on the toast.
    let timer = null;
    function arm() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { dismiss(toast); }, SHOW_MS);
    }
    toast.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
    toast.addEventListener("mouseleave", arm);
    toast.addEventListener("focusin", function () { window.clearTimeout(timer); });
    toast.addEventListener("focusout", arm);
    arm();
  }

  function onNotification(event) {
    let note;
    try {
      note = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    const id = Number(note.id) || 0;
    if (id <= lastId) {
      // Already counted; one that grew is shown again, and counted again if it had been read.
      if (note.merged) {
        if (note.reopened) {
          unread += 1;
          renderCount();
        }
        showToast(note);
      }
      return;
    }
    lastId = id;
    if (!note.read) {
      unread += 1;
      renderCount();
    }
    showToast(note);
  }

  // The browser reconnects by itself (with Last-Event-ID) when a stream ends, but gives up
  // for good (CLOSED) when a reconnection is answered with anything but 200: a 502 from
  // nginx while the web process behind it restarts (an upgrade), a 503, or a 401 once
  // signed out. So a closed stream is opened again from the newest id seen, after a wait
  // that doubles up to a minute (a signed-out page asks rarely, and stops at the next page).
  const RETRY_FIRST_MS = 2000;
  const RETRY_MAX_MS = 60000;
  let retryMs = RETRY_FIRST_MS;

  function connect() {
    const url = msg.streamUrl + (lastId ? "?last_event_id=" + lastId : "");
    const source = new EventSource(url);
    region.dataset.stream = "connecting";
    source.addEventListener("open", function () {
      region.dataset.stream = "open";
      retryMs = RETRY_FIRST_MS;
    });
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) {
        region.dataset.stream = "connecting";
        return;
      }
      region.dataset.stream = "closed";
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
    TYPES.forEach(function (type) { source.addEventListener(type, onNotification); });
  }
  connect();
})();
