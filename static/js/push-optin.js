/* "이 기기에서 알림 받기 / 끄기": subscribes this browser to Web Push with the server's VAPID
   key and stores the subscription (POST /api/v1/push/subscriptions), or removes both. */
"use strict";
(function () {
  const root = document.querySelector("[data-push-optin]");
  if (!root) return;
  const button = root.querySelector("[data-push-toggle]");
  const status = root.querySelector("[data-push-status]");
  const msg = root.dataset;

  function say(text) {
    status.textContent = text;
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  function show(subscribed) {
    button.hidden = false;
    button.disabled = false;
    button.dataset.subscribed = subscribed ? "1" : "";
    button.textContent = subscribed ? msg.labelOff : msg.labelOn;
    button.classList.toggle("btn--primary", !subscribed);
    button.classList.toggle("btn--ghost", subscribed);
    say(subscribed ? msg.msgOn : Notification.permission === "denied" ? msg.msgDenied : msg.msgOff);
  }

  function api(method, body) {
    return fetch(msg.url, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": msg.csrf,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("push api " + response.status);
      return response;
    });
  }

  async function subscribe() {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say(msg.msgDenied);
      return false;
    }
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(msg.key),
    });
    await api("POST", subscription.toJSON());
    return true;
  }

  async function unsubscribe() {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await api("DELETE", { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    return false;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(msg.msgUnsupported);
    return;
  }
  button.addEventListener("click", async function () {
    const wasOn = Boolean(button.dataset.subscribed);
    button.disabled = true;
    say(msg.msgBusy);
    try {
      const on = wasOn ? await unsubscribe() : await subscribe();
      if (on || wasOn) show(on);
      else button.disabled = false;
    } catch (error) {
      button.disabled = false;
      say(msg.msgFailed);
    }
  });

  navigator.serviceWorker.ready
    .then((registration) => registration.pushManager.getSubscription())
    .then(function (subscription) {
      // Stored again each visit: the server may have dropped it (the user signed in on
      // this browser as someone else, or the push service renewed it).
      if (subscription) api("POST", subscription.toJSON()).catch(function () {});
      show(Boolean(subscription));
    })
    .catch(() => show(false));
  // Before the worker is ready (first visit), offer the button at once.
  if (button.hidden) show(false);
})();
