/* Registers the site's service worker (/sw.js): pushes arrive with the page closed, and a
   page that cannot load shows the offline page. */
"use strict";
(function () {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // No worker (a private window, say): the site works the same without it.
    });
  });
})();
