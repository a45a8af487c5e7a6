// The one way pages make a Leaflet map (market-map.js, nearby.js): Korean names for its
// controls instead of Leaflet's English ("Zoom in", "Close popup", "Marker"), and a notice
// when the tiles, the one online resource, do not load (no network, blocked): the map was a
// grey box with no word of why. Markers, popups and the page's list work without tiles.
// Translated texts come from data-* attributes on the map element
// (templates/partials/map_labels.html).
(function () {
  "use strict";
  // The tile source comes from the server's settings (data-tiles-*, MAP_TILES_URL): "{r}"
  // asks for double-resolution tiles on a high-density screen (Leaflet fills it in).
  const FALLBACK_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  // Tiles that neither load nor fail (a network that swallows requests) count as failed
  // after this long.
  const TILE_PATIENCE_MS = 8000;

  function notice(el) {
    const note = document.createElement("p");
    note.className = "map-notice";
    note.setAttribute("role", "status");
    note.setAttribute("data-testid", "map-notice");
    note.textContent = el.dataset.msgTilesFailed || "";
    note.hidden = true;
    el.appendChild(note);
    // Leaflet would start a drag or a zoom from a press on the notice.
    if (window.L) L.DomEvent.disableClickPropagation(note);
    return note;
  }

  function create(el, options) {
    const labels = el.dataset;
    // Leaflet finds its marker images next to its stylesheet by name; production's static
    // storage renames files by content hash, so the markers 404ed. Use the served URLs: the
    // double-size icon on high-density screens (the attribute is "-retina": dataset would
    // name "data-marker-icon-2x" "markerIcon-2x", and the 2x icon was never used), and a
    // vector shadow, sharp at any density.
    if (labels.markerIcon) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: labels.markerIcon,
        iconRetinaUrl: labels.markerIconRetina,
        shadowUrl: labels.markerShadow,
      });
    }
    const map = L.map(el, Object.assign({ scrollWheelZoom: false, zoomControl: false }, options));
    L.control
      .zoom({
        zoomInTitle: labels.labelZoomIn || "+",
        zoomOutTitle: labels.labelZoomOut || "-",
      })
      .addTo(map);
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" title="' + (labels.labelLeaflet || "") + '">Leaflet</a>'
    );

    const note = notice(el);
    let loaded = false;
    const credit = document.createElement("span");
    const osm = document.createElement("a");
    osm.href = "https://www.openstreetmap.org/copyright";
    osm.textContent = "\u00a9 " + (labels.labelOsm || "OpenStreetMap");
    credit.appendChild(osm);
    if (labels.tilesCreditName) {
      const provider = document.createElement("a");
      provider.href = labels.tilesCreditUrl || "#";
      provider.textContent = "\u00a9 " + labels.tilesCreditName;
      credit.append(" ", provider);
    }
    const layer = L.tileLayer(labels.tilesUrl || FALLBACK_TILES, {
      maxZoom: parseInt(labels.tilesMaxZoom, 10) || 19,
      attribution: credit.innerHTML,
    });
    function failed() {
      if (!loaded) note.hidden = false;
    }
    layer.on("tileerror", failed);
    layer.on("tileload", () => {
      loaded = true;
      note.hidden = true; // the network came back
    });
    layer.addTo(map);
    window.setTimeout(failed, TILE_PATIENCE_MS);

    // Leaflet's popup close button is labelled in English.
    map.on("popupopen", (event) => {
      const close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && labels.labelClose) {
        close.setAttribute("aria-label", labels.labelClose);
        close.title = labels.labelClose;
      }
    });
    return map;
  }

  window.GongguMap = { create };
})();
