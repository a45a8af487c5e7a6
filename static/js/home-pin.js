// My page: place the home on a map instead of typing an address. A click (or dragging the
// pin, or Enter on the focused map, which picks its centre) fills the hidden lat/lng of the
// pin form; saving posts them and the server stores an exact home from the map.
// Leaflet's click events work without tiles, so this works on the grey map offline too.
(function () {
  "use strict";

  const form = document.querySelector("[data-home-pin]");
  const el = document.getElementById("home-pin-map");
  if (!form || !el || !window.L || !window.GongguMap) return;
  const latInput = form.querySelector("input[name=lat]");
  const lngInput = form.querySelector("input[name=lng]");
  const statusEl = form.querySelector("[data-pin-status]");
  const saveButton = form.querySelector("[data-pin-save]");

  const start = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
  // map-base.js: Korean control labels and the no-tiles notice, as on the other maps.
  const map = window.GongguMap.create(el);
  map.setView(start, parseInt(el.dataset.zoom, 10));

  let marker = null;

  function pick(latlng) {
    // Five decimals (about 1 m) is finer than anyone clicks; the server keeps what it gets.
    const lat = latlng.lat.toFixed(5);
    const lng = latlng.lng.toFixed(5);
    latInput.value = lat;
    lngInput.value = lng;
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, {
        draggable: true,
        title: el.dataset.labelPin,
        alt: el.dataset.labelPin,
      }).addTo(map);
      marker.on("dragend", () => pick(marker.getLatLng()));
    }
    statusEl.textContent = el.dataset.msgPicked.replace("%(lat)s", lat).replace("%(lng)s", lng);
    saveButton.disabled = false;
  }

  // The saved home, shown as the pin's starting place (moving it is a new pick).
  if (el.dataset.hasHome) {
    marker = L.marker(start, { draggable: true, title: el.dataset.labelPin, alt: el.dataset.labelPin })
      .addTo(map);
    marker.on("dragend", () => pick(marker.getLatLng()));
  }

  map.on("click", (event) => pick(event.latlng));
  // Keyboard: the map takes focus and pans with the arrow keys (Leaflet); Enter picks the
  // centre, so the pin can be placed without a pointer.
  // An arrow key starts an animated pan: Enter pressed before it ends picks where the map is
  // heading, not where it was.
  let moving = false;
  map.on("movestart", () => { moving = true; });
  map.on("moveend", () => { moving = false; });
  el.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === el) {
      event.preventDefault();
      if (moving) map.once("moveend", () => pick(map.getCenter()));
      else pick(map.getCenter());
    }
  });
})();
