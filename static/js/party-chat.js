// The party chat panel: history from GET /api/v1/parties/<id>/messages, live messages over
// STOMP (@stomp/stompjs) at /ws, authenticated by the session cookie at the handshake.
// Every message is shown once (keyed by id) and in id order, whether it came from history,
// from the topic, or from the catch-up after a reconnect. Data comes from the JSON island
// #party-chat-data, translated labels from data-* attributes; user text is only ever set
// with textContent.
(function () {
  "use strict";
  const root = document.querySelector("[data-chat]");
  const dataEl = document.getElementById("party-chat-data");
  if (!root || !dataEl || !window.StompJs) return;
  const data = JSON.parse(dataEl.textContent);
  const msg = root.dataset;

  const list = root.querySelector("[data-chat-list]");
  const scroller = root.querySelector("[data-chat-scroll]");
  const moreButton = root.querySelector("[data-chat-more]");
  const jumpButton = root.querySelector("[data-chat-jump]");
  const statusEl = root.querySelector("[data-chat-status]");
  const errorEl = root.querySelector("[data-chat-error]");
  const form = root.querySelector("[data-chat-form]");
  const input = root.querySelector("[data-chat-input]");
  const sendButton = root.querySelector("[data-chat-send]");
  const counter = root.querySelector("[data-chat-count]");

  const PAGE_SIZE = 50;
  const CATCH_UP_PAGE = 100; // the API's largest page
  const CATCH_UP_PAGES = 10; // beyond this, start over from the latest page
  const SEND_TIMEOUT_MS = 10000;
  // Refusals that retrying cannot fix: stop reconnecting.
  const FATAL_CODES = [
    "not_authenticated", "not_a_member", "chat_not_open", "party_not_found", "chat_closed",
    "account_suspended",
  ];
  const topic = "/topic/party." + data.party_id;
  const destination = "/app/party." + data.party_id;
  const brokerURL =
    (window.location.protocol === "https:" ? "wss://" : "ws://") +
    window.location.host + data.ws_path;

  // -- Times: "오후 7:05" (and the full date on hover) ---------------------------------------
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat("ko-KR", Object.assign({ timeZone: data.time_zone }, options));
    } catch (error) {
      return new Intl.DateTimeFormat("ko-KR", options);
    }
  }
  const shortTime = formatter({ hour: "numeric", minute: "2-digit" });
  const longTime = formatter({ dateStyle: "long", timeStyle: "short" });

  // -- The message list -------------------------------------------------------------------
  const shown = new Map(); // message id -> <li>
  const ids = []; // shown ids, ascending
  let hasOlder = false;

  const emptyNote = document.createElement("p");
  emptyNote.className = "chat__empty";
  emptyNote.textContent = msg.msgEmpty;
  emptyNote.hidden = true;
  scroller.insertBefore(emptyNote, list);

  function buildItem(message) {
    const li = document.createElement("li");
    const sender = message.sender;
    const system = message.type !== "CHAT" || !sender;
    const mine = !system && sender.id === data.user_id;
    li.className =
      "chat__msg " + (system ? "chat__msg--system" : mine ? "chat__msg--mine" : "chat__msg--other");
    li.dataset.id = String(message.id);
    li.dataset.type = message.type;
    li.setAttribute("data-testid", "chat-message");

    const when = new Date(message.created_at);
    const time = document.createElement("time");
    time.className = "chat__time";
    if (!Number.isNaN(when.getTime())) {
      time.dateTime = message.created_at;
      time.textContent = shortTime.format(when);
      time.title = longTime.format(when);
    }

    if (system) {
      const text = document.createElement("p");
      text.className = "chat__system";
      text.textContent = message.content;
      li.append(text, time);
      return li;
    }
    if (!mine) {
      const who = document.createElement("span");
      who.className = "chat__who";
      who.setAttribute("data-testid", "chat-sender");
      who.textContent = sender.nickname || msg.msgUnknownSender;
      li.appendChild(who);
    }
    const line = document.createElement("div");
    line.className = "chat__line";
    const bubble = document.createElement("p");
    bubble.className = "chat__bubble";
    bubble.setAttribute("data-testid", "chat-text");
    bubble.textContent = message.content;
    line.append(bubble, time);
    if (!mine && data.report_url) {
      // A plain link to the report page (works the same without this script's help).
      const report = document.createElement("a");
      report.className = "chat__report";
      report.setAttribute("data-testid", "chat-report");
      report.href =
        data.report_url + "?type=message&id=" + encodeURIComponent(message.id) +
        "&next=" + encodeURIComponent(window.location.pathname + "#chat");
      report.textContent = msg.msgReport;
      line.appendChild(report);
    }
    li.appendChild(line);
    return li;
  }

  function insert(message) {
    const id = Number(message.id);
    if (!Number.isFinite(id) || shown.has(id)) return false;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    const li = buildItem(message);
    list.insertBefore(li, lo < ids.length ? shown.get(ids[lo]) : null);
    ids.splice(lo, 0, id);
    shown.set(id, li);
    return true;
  }

  let pinned = true; // the reader is at the newest message

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    pinned = true;
    jumpButton.hidden = true;
  }

  // Older pages keep the view where it was; newer messages follow the bottom unless the
  // reader scrolled up (then "새 메시지 ↓" appears), and one's own message always scrolls.
  function add(messages, { older = false } = {}) {
    const stick = pinned || nearBottom();
    const heightBefore = scroller.scrollHeight;
    let added = 0;
    let ownAdded = false;
    messages.forEach((message) => {
      if (insert(message)) {
        added += 1;
        if (message.sender && message.sender.id === data.user_id) ownAdded = true;
      }
    });
    emptyNote.hidden = ids.length > 0;
    if (!added) return;
    if (older) {
      scroller.scrollTop += scroller.scrollHeight - heightBefore;
    } else if (stick || ownAdded) {
      scrollToBottom();
    } else {
      jumpButton.hidden = false;
    }
  }

  function clearAll() {
    list.replaceChildren();
    shown.clear();
    ids.length = 0;
  }

  function showMore(more) {
    hasOlder = more;
    moreButton.hidden = !more;
  }

  // -- History ----------------------------------------------------------------------------
  async function fetchPage(params) {
    const url = new URL(msg.messagesUrl, window.location.href);
    Object.entries(params).forEach(([key, value]) => {
      if (value !== null && value !== undefined) url.searchParams.set(key, String(value));
    });
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error("history " + response.status);
    return response.json();
  }

  async function loadLatest() {
    const page = await fetchPage({ limit: PAGE_SIZE });
    add(page.results);
    showMore(page.has_more);
    scrollToBottom();
  }

  // After a (re)connect: everything newer than the newest message shown, paging backwards
  // from the latest page until the pages reach it.
  async function catchUp() {
    if (!ids.length) return loadLatest();
    const newest = ids[ids.length - 1];
    const collected = [];
    let beforeId = null;
    for (let i = 0; i < CATCH_UP_PAGES; i++) {
      const page = await fetchPage({ limit: CATCH_UP_PAGE, before_id: beforeId });
      collected.unshift(...page.results);
      if (!page.results.length || !page.has_more || page.results[0].id <= newest) {
        // Older ones stay behind "이전 메시지 더 보기".
        add(collected.filter((message) => message.id > newest));
        return;
      }
      beforeId = page.results[0].id;
    }
    // Too far behind to fill the gap: show the latest messages from scratch.
    clearAll();
    await loadLatest();
  }

  let historyQueue = Promise.resolve();
  function history(task) {
    // One history request chain at a time, so catch-ups never interleave.
    historyQueue = historyQueue.then(task).then(
      () => {
        if (errorEl.dataset.kind === "history") hideError();
      },
      () => showError(msg.msgLoadFailed, "history")
    );
    return historyQueue;
  }

  moreButton.addEventListener("click", () => {
    if (!ids.length || !hasOlder) return;
    moreButton.disabled = true;
    history(async () => {
      const page = await fetchPage({ limit: PAGE_SIZE, before_id: ids[0] });
      add(page.results, { older: true });
      showMore(page.has_more);
    }).then(() => {
      moreButton.disabled = false;
    });
  });

  scroller.addEventListener("scroll", () => {
    pinned = nearBottom();
    if (pinned) jumpButton.hidden = true;
  });
  if ("ResizeObserver" in window) {
    // A rotated phone or a resized window keeps the newest message in view.
    new ResizeObserver(() => {
      if (pinned) scroller.scrollTop = scroller.scrollHeight;
    }).observe(scroller);
  }
  jumpButton.addEventListener("click", scrollToBottom);

  // -- Status and errors ------------------------------------------------------------------
  const STATUS_TEXT = {
    connecting: msg.msgConnecting,
    connected: msg.msgConnected,
    reconnecting: msg.msgReconnecting,
    closed: msg.msgClosed,
  };
  function setStatus(state) {
    statusEl.dataset.state = state;
    statusEl.textContent = STATUS_TEXT[state];
  }

  function showError(text, kind) {
    errorEl.textContent = text;
    errorEl.dataset.kind = kind || "";
    errorEl.hidden = false;
  }
  function hideError() {
    errorEl.hidden = true;
    errorEl.textContent = "";
    errorEl.dataset.kind = "";
  }

  // -- Composer ---------------------------------------------------------------------------
  const maxLength = Number(input.getAttribute("maxlength")) || 1000;
  let pending = null; // {receipt, text, timer}: a SEND waiting for the server's RECEIPT
  let sequence = 0;

  function updateComposer() {
    // At the limit the browser stops typing and cuts pastes short: say why.
    const full = input.value.length >= maxLength;
    counter.textContent =
      input.value.length + "/" + maxLength + (full && msg.msgLimit ? " · " + msg.msgLimit : "");
    counter.classList.toggle("is-full", full);
    sendButton.disabled = !client.connected || pending !== null || !input.value.trim();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + 2 + "px"; // CSS caps it with max-height
  }

  function settle(receipt) {
    if (!pending || pending.receipt !== receipt) return null;
    const sent = pending;
    clearTimeout(sent.timer);
    pending = null;
    updateComposer();
    return sent;
  }

  function send() {
    const text = input.value;
    const content = text.trim();
    if (!content || pending || !client.connected) return;
    const receipt = "send-" + ++sequence;
    pending = {
      receipt,
      text,
      // No receipt (the connection died silently): let the user try again, input kept.
      timer: setTimeout(() => {
        if (settle(receipt)) showError(msg.msgSendFailed, "send");
      }, SEND_TIMEOUT_MS),
    };
    client.watchForReceipt(receipt, () => {
      const sent = settle(receipt);
      if (sent && input.value === sent.text) {
        input.value = "";
        autosize();
        updateComposer();
      }
      if (errorEl.dataset.kind === "send") hideError();
    });
    try {
      client.publish({ destination, body: JSON.stringify({ content }), headers: { receipt } });
    } catch (error) {
      settle(receipt);
      showError(msg.msgSendFailed, "send");
    }
    updateComposer();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send();
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line; never while an IME is composing (한글 입력).
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    send();
  });
  input.addEventListener("input", () => {
    autosize();
    updateComposer();
  });

  // -- A closed room (the party was cancelled): history only ------------------------------
  if (data.closed) {
    form.hidden = true;
    setStatus("closed");
    history(loadLatest);
    return;
  }

  // -- Connection -------------------------------------------------------------------------
  const client = new StompJs.Client({
    brokerURL,
    reconnectDelay: 2000,
    heartbeatIncoming: 10000,
    heartbeatOutgoing: 10000,
  });
  let everConnected = false;
  const firstLoad = history(loadLatest);

  client.onConnect = () => {
    everConnected = true;
    setStatus("connected");
    // A server-side interruption (delivery_interrupted, slow consumer) is over once we are back.
    if (errorEl.dataset.kind === "server") hideError();
    client.subscribe(topic, (frame) => {
      let message;
      try {
        message = JSON.parse(frame.body);
      } catch (error) {
        return;
      }
      add([message]);
    });
    // Fill whatever was missed while disconnected (or between the first page and now).
    firstLoad.then(() => history(catchUp));
    updateComposer();
  };

  client.onWebSocketClose = () => {
    if (pending) {
      settle(pending.receipt);
      showError(msg.msgSendFailed, "send");
    }
    if (client.active) setStatus(everConnected ? "reconnecting" : "connecting");
    else setStatus("closed");
    updateComposer();
  };

  client.onStompError = (frame) => {
    const reason = frame.headers.message || "";
    const receiptId = frame.headers["receipt-id"];
    if (pending && (!receiptId || receiptId === pending.receipt)) {
      settle(pending.receipt); // the input keeps the text
      showError(msg.msgSendFailed + (reason ? ": " + reason : ""), "send");
    } else {
      showError(msg.msgServerError + (reason ? ": " + reason : ""), "server");
    }
    if (FATAL_CODES.includes(frame.headers.code)) {
      client.deactivate().then(() => setStatus("closed"));
    }
    // Otherwise the server closes the socket and stompjs reconnects after reconnectDelay.
  };

  window.addEventListener("pagehide", () => client.deactivate());
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) client.activate(); // back from the back/forward cache
  });

  // For tests and debugging in the console.
  window.__gongguChat = { client, shownIds: () => ids.slice() };

  setStatus("connecting");
  updateComposer();
  client.activate();
})();
