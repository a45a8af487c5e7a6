// A small Leaflet map centred on one market. Tiles come from OpenStreetMap when online;
// the marker and the page work without them.
(function () {
  const el = document.getElementById("map");
  if (!el || !window.L) return;
  const lat = parseFloat(el.dataset.lat);
  const lng = parseFloat(el.dataset.lng);
  const map = L.map(el, { scrollWheelZoom: false }).setView([lat, lng], 15);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap",
  }).addTo(map);
  L.marker([lat, lng]).addTo(map).bindPopup(document.createTextNode(el.dataset.name));
})();
