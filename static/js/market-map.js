// A small Leaflet map centred on one market. Tiles come from OpenStreetMap when online;
// the marker and the page work without them.
// Controls and the no-tiles notice: static/js/map-base.js.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L || !window.GongguMap) return;
  const lat = parseFloat(el.dataset.lat);
  const lng = parseFloat(el.dataset.lng);
  const map = window.GongguMap.create(el).setView([lat, lng], 15);
  L.marker([lat, lng], { title: el.dataset.name, alt: el.dataset.name })
    .addTo(map)
    .bindPopup(document.createTextNode(el.dataset.name));
})();
