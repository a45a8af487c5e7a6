{% load static %}/* 공구 service worker: Web Push notifications, and an offline page when a page
   cannot be loaded. Rendered by webpush.views.service_worker (cached file names are the
   deployed ones, so a deploy installs a new worker). */
"use strict";

const CACHE = "gonggu-offline-v1";
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const PRECACHE = [
  OFFLINE_URL,
  "{% static 'css/app.css' as u %}{{ u|escapejs }}",
  "{% static 'img/favicon.svg' as u %}{{ u|escapejs }}",
  "{% static 'img/icon-192.png' as u %}{{ u|escapejs }}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // Without cookies: the offline page never carries anyone's name.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

// Only page loads are answered here, from the network; the offline page when it fails.
// Everything else (API, streams, static files) goes to the network untouched.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode !== "navigate" || request.method !== "GET") {
    return;
  }
  event.respondWith(
    fetch(request).catch(() =>
      caches.match(OFFLINE_URL).then((page) => page || Response.error())
    )
  );
});

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = { body: event.data ? event.data.text() : "" };
  }
  const title = message.title || "공구";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || "",
      tag: message.tag || undefined,
      // A newer push for the same party replaces the older one, and still alerts.
      renotify: Boolean(message.tag),
      icon: "{% static 'img/icon-192.png' as u %}{{ u|escapejs }}",
      badge: "{% static 'img/icon-192.png' as u %}{{ u|escapejs }}",
      lang: "ko",
      data: { url: message.url || "/notifications/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data && event.notification.data.url || "/notifications/", self.location.origin);
  if (target.origin !== self.location.origin) {
    return;  // only pages of this site
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (client.url === target.href && "focus" in client) {
          return client.focus();
        }
      }
      for (const client of windows) {
        if ("navigate" in client && "focus" in client) {
          return client.navigate(target.href).then((c) => (c || client).focus());
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
