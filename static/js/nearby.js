// The nearby-parties page: "내 위치 사용" (browser geolocation), the area picker, and a
// Leaflet map with one marker per party on the page plus the search point.
// Data comes from the JSON island #nearby-data, translated labels from data-* attributes;
// user text is only ever set with textContent.
(function () {
  "use strict";

  // -- Where to search: geolocation and areas --------------------------------------------
  const locateButton = document.querySelector("[data-locate]");
  const statusEl = document.querySelector("[data-locate-status]");
  const areaForm = document.querySelector("[data-area-form]");
  const areaSelect = document.querySelector("[data-area-select]");

  function say(text) {
    if (statusEl) statusEl.textContent = text;
  }

  function goTo(lat, lng) {
    const params = new URLSearchParams(window.location.search);
    ["lat", "lng", "area", "page"].forEach((key) => params.delete(key));
    params.set("lat", lat.toFixed(5));
    params.set("lng", lng.toFixed(5));
    window.location.assign(window.location.pathname + "?" + params.toString());
  }

  if (locateButton && "geolocation" in navigator) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", () => {
      locateButton.disabled = true;
      say(locateButton.dataset.msgLocating);
      navigator.geolocation.getCurrentPosition(
        (position) => goTo(position.coords.latitude, position.coords.longitude),
        (error) => {
          locateButton.disabled = false;
          say(
            error.code === error.PERMISSION_DENIED
              ? locateButton.dataset.msgDenied
              : locateButton.dataset.msgFailed
          );
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
      );
    });
  }

  if (areaForm && areaSelect) {
    // Choosing an area submits at once; the button is for browsers without JavaScript.
    const areaSubmit = areaForm.querySelector("[data-area-submit]");
    if (areaSubmit) areaSubmit.hidden = true;
    areaSelect.addEventListener("change", () => {
      if (areaSelect.value) areaForm.submit();
    });
  }

  // -- The map -----------------------------------------------------------------------------
  const mapEl = document.getElementById("nearby-map");
  const dataEl = document.getElementById("nearby-data");
  if (!mapEl || !dataEl || !window.L || !window.GongguMap) return;
  const data = JSON.parse(dataEl.textContent);
  const point = data.point;

  // Tiles, Korean controls and the notice when tiles fail: static/js/map-base.js.
  const map = window.GongguMap.create(mapEl).setView([point.lat, point.lng], 13);

  const searchArea = L.circle([point.lat, point.lng], {
    radius: point.radius_km * 1000,
    color: "#ff6f0f",
    weight: 1,
    fillOpacity: 0.04,
    interactive: false,
  }).addTo(map);
  L.circleMarker([point.lat, point.lng], {
    radius: 8,
    color: "#ffffff",
    weight: 3,
    fillColor: "#1c7ed6",
    fillOpacity: 1,
    className: "nearby-here",
  })
    .addTo(map)
    .bindTooltip(mapEl.dataset.labelHere || "");

  function popupFor(party) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const link = document.createElement("a");
    link.href = party.url;
    link.className = "map-popup__title";
    link.textContent = party.title;
    const sub = document.createElement("div");
    sub.className = "map-popup__sub";
    sub.textContent = party.item + " · " + party.market;
    const meta = document.createElement("div");
    meta.className = "map-popup__meta";
    meta.textContent = [party.distance, party.share, party.members].join(" · ");
    box.append(link, sub, meta);
    return box;
  }

  const bounds = [[point.lat, point.lng]];
  data.parties.forEach((party) => {
    L.marker([party.lat, party.lng], { title: party.title, alt: party.title, riseOnHover: true })
      .addTo(map)
      .bindPopup(popupFor(party));
    bounds.push([party.lat, party.lng]);
  });
  if (data.parties.length) {
    map.fitBounds(bounds, { padding: [36, 36], maxZoom: 15, animate: false });
  } else {
    map.fitBounds(searchArea.getBounds(), { padding: [8, 8], animate: false });
  }
})();
