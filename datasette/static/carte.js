/* Map of the centres on the home page, built from the list of centres already in the page.
   Markers are vector circles (no image, no tile needed): without tile access the map still
   shows every located centre. Mainland France gets the main map; each overseas centre gets
   a small inset map of its own below it, as French maps do (a world view would shrink
   the mainland to a dot). Popups are built with DOM text nodes, never with HTML strings. */
(function () {
  "use strict";
  var container = document.getElementById("carte");
  var insets = document.getElementById("carte-outre-mer");
  var list = document.getElementById("liste-centres");
  if (!container || !list || typeof window.L === "undefined") {
    if (container) { container.hidden = true; }
    if (insets) { insets.hidden = true; }
    return;
  }
  var TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var STYLE = { radius: 8, color: "#00695c", weight: 2, fillColor: "#26a69a", fillOpacity: 0.85,
                className: "repere-centre" };

  function tiles(map) {
    L.tileLayer(TILES, { maxZoom: 12, attribution: "© contributeurs OpenStreetMap" }).addTo(map);
  }

  function marker(map, lat, lon, item) {
    var popup = document.createElement("a");
    popup.href = item.getAttribute("data-lien");
    popup.textContent = item.getAttribute("data-nom");
    L.circleMarker([lat, lon], STYLE).bindPopup(popup)
      .bindTooltip(item.getAttribute("data-nom")).addTo(map);
  }

  function inMainland(lat, lon) { return lat > 41 && lat < 52 && lon > -6 && lon < 10; }

  var map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  tiles(map);
  var mainland = [];
  var markers = 0;
  list.querySelectorAll("li[data-lat][data-lon]").forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-lat"));
    var lon = parseFloat(item.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    markers += 1;
    if (inMainland(lat, lon) || !insets) {
      marker(map, lat, lon, item);
      if (inMainland(lat, lon)) { mainland.push([lat, lon]); }
      return;
    }
    var figure = document.createElement("figure");
    figure.className = "encart";
    var frame = document.createElement("div");
    frame.className = "encart-carte";
    var caption = document.createElement("figcaption");
    caption.textContent = item.getAttribute("data-territoire") || item.getAttribute("data-nom");
    figure.appendChild(frame);
    figure.appendChild(caption);
    insets.appendChild(figure);
    var inset = L.map(frame, { zoomControl: false, attributionControl: false, dragging: false,
                               scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
                               keyboard: false, touchZoom: false });
    tiles(inset);
    inset.setView([lat, lon], 7);
    marker(inset, lat, lon, item);
  });
  if (mainland.length) {
    map.fitBounds(mainland, { padding: [20, 20] });
  } else {
    map.setView([46.6, 2.4], 5);
  }
  container.setAttribute("data-marqueurs", String(markers));
})();
