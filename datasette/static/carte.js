/* Map of the centres on the home page, built from the list of centres already in the page.
   Markers are vector circles (no image, no tile needed): without tile access the map still
   shows every located centre. Popups are built with DOM text nodes, never with HTML strings. */
(function () {
  "use strict";
  var container = document.getElementById("carte");
  var list = document.getElementById("liste-centres");
  if (!container || !list || typeof window.L === "undefined") {
    if (container) { container.hidden = true; }
    return;
  }
  var map = L.map(container, { scrollWheelZoom: false, attributionControl: true });
  L.tileLayer("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 12,
    attribution: "© contributeurs OpenStreetMap"
  }).addTo(map);
  var metropole = [];
  var markers = 0;
  list.querySelectorAll("li[data-lat][data-lon]").forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-lat"));
    var lon = parseFloat(item.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    var popup = document.createElement("a");
    popup.href = item.getAttribute("data-lien");
    popup.textContent = item.getAttribute("data-nom");
    L.circleMarker([lat, lon], {
      radius: 8, color: "#00695c", weight: 2, fillColor: "#26a69a", fillOpacity: 0.85,
      className: "repere-centre"
    }).bindPopup(popup).bindTooltip(item.getAttribute("data-nom")).addTo(map);
    markers += 1;
    // Overseas centres are in the list below; the view frames mainland France.
    if (lat > 41 && lat < 52 && lon > -6 && lon < 10) { metropole.push([lat, lon]); }
  });
  if (metropole.length) {
    map.fitBounds(metropole, { padding: [20, 20] });
  } else {
    map.setView([46.6, 2.4], 5);
  }
  container.setAttribute("data-marqueurs", String(markers));
})();
