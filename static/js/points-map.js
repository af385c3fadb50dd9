// A small map of points (places gained and lost, covered places, neighbours) on the
// site's own world borders. Points come from a json_script element named by data-points.
(function () {
  "use strict";
  document.querySelectorAll(".points-map").forEach(function (el) {
    var points = JSON.parse(document.getElementById(el.dataset.points).textContent);
    var map = L.map(el, { attributionControl: false });
    fetch(el.dataset.basemap).then(function (r) { return r.json(); }).then(function (topo) {
      L.geoJSON(topojson.feature(topo, topo.objects.countries), { interactive: false,
        style: { color: "#8a94a3", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } })
        .addTo(map).bringToBack();
    });
    var bounds = [];
    points.forEach(function (p) {
      var ll = [p.lat, p.lon];
      bounds.push(ll);
      var marker = L.circleMarker(ll, { radius: 6, weight: 1, color: "#222", fillColor: p.color,
                                        fillOpacity: 0.9 }).addTo(map);
      // Leaflet puts tooltip strings in as HTML; names come from news text, so pass a node.
      var tip = document.createElement("span");
      tip.textContent = p.label;
      marker.bindTooltip(tip);
      if (p.url) { marker.on("click", function () { window.location = p.url; }); }
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 9 }); }
    else { map.setView([35, 38], 5); }
  });
})();
