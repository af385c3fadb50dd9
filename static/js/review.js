// Review pages: keyboard shortcuts and the gazetteer place picker with its small map.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    if (t && t.tagName === "INPUT" && t.type === "checkbox") { return false; }
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  // The queue: j/k move the selection, Enter opens the event.
  var table = document.getElementById("review-table");
  if (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-href]"));
    var at = -1;
    var select = function (i) {
      if (!rows.length) { return; }
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r) { r.classList.remove("selected"); });
      rows[at].classList.add("selected");
      rows[at].focus();
    };
    document.addEventListener("keydown", function (e) {
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "j") { select(at + 1); }
      else if (e.key === "k") { select(at - 1); }
      else if (e.key === "Enter" && at >= 0) { window.location = rows[at].dataset.href; }
      else if (e.key === "x" && at >= 0) {
        var box = rows[at].querySelector("input[type=checkbox]");
        if (box) { box.checked = !box.checked; }
      }
    });
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        rows.forEach(function (r) {
          var box = r.querySelector("input[type=checkbox]");
          if (box) { box.checked = all.checked; }
        });
      });
    }
  }

  // One event: v verifies, r goes to the reject reason, j/k next and previous.
  var verify = document.getElementById("verify-form");
  if (verify) {
    document.addEventListener("keydown", function (e) {
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var link;
      if (e.key === "v") { verify.submit(); }
      else if (e.key === "r") { e.preventDefault(); document.querySelector("#reject-form input[name=reject-reason]").focus(); }
      else if (e.key === "j" && (link = document.getElementById("next-link"))) { window.location = link.href; }
      else if (e.key === "k" && (link = document.getElementById("prev-link"))) { window.location = link.href; }
    });
  }

  var search = document.getElementById("place-search");
  if (!search) { return; }
  var hidden = document.querySelector("#correct-form input[name=place]");
  var label = document.getElementById("place-label");
  var results = document.getElementById("place-results");
  var mapEl = document.getElementById("place-map");
  var map = null, marker = null, candidates = null;
  if (window.L) {
    map = L.map(mapEl, { attributionControl: false, zoomControl: true });
    var lat = parseFloat(mapEl.dataset.lat), lon = parseFloat(mapEl.dataset.lon);
    if (!isNaN(lat)) { marker = L.circleMarker([lat, lon], { radius: 7, color: "#9b2c2c" }).addTo(map); map.setView([lat, lon], 8); }
    else { map.setView([35, 38], 5); }
    candidates = L.featureGroup().addTo(map);
    fetch(mapEl.dataset.basemap)
      .then(function (r) { return r.json(); })
      .then(function (topo) {
        if (!window.topojson) { return; }
        L.geoJSON(topojson.feature(topo, topo.objects.countries), { interactive: false,
          style: { color: "#8a94a3", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1 } }).addTo(map).bringToBack();
      }).catch(function () {});
  }
  function choose(place) {
    hidden.value = place.id;
    label.textContent = place.label;
    results.innerHTML = "";
    if (candidates) { candidates.clearLayers(); }
    if (map) {
      if (marker) { map.removeLayer(marker); }
      marker = L.circleMarker([place.lat, place.lon], { radius: 7, color: "#9b2c2c" }).addTo(map);
      map.setView([place.lat, place.lon], 8);
    }
  }
  var timer = null;
  function lookup() {
    var q = search.value.trim();
    if (!q) { results.innerHTML = ""; return; }
    fetch(search.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        results.innerHTML = "";
        if (candidates) { candidates.clearLayers(); }
        body.results.forEach(function (p) {
          var li = document.createElement("li");
          var b = document.createElement("button");
          b.type = "button"; b.className = "link place-choice";
          b.textContent = p.label + " (" + p.sources.join(", ") + ")";
          b.addEventListener("click", function () { choose(p); });
          var info = document.createElement("small");
          info.className = "muted place-info";
          // Which of several same-named villages: its admin areas and where it comes from.
          info.textContent = " " + p.kind + (p.admin_areas.length ? " in " + p.admin_areas.join(", ") : "");
          li.appendChild(b); li.appendChild(info); results.appendChild(li);
          if (candidates) {
            L.circleMarker([p.lat, p.lon], { radius: 5, color: "#2b6cb0" })
              .bindTooltip(p.label + " · " + p.sources.join(", "))
              .on("click", function () { choose(p); }).addTo(candidates);
          }
        });
        if (candidates && body.results.length) {
          map.fitBounds(candidates.getBounds(), { maxZoom: 9, padding: [10, 10] });
        }
        if (!body.results.length) { results.innerHTML = "<li>No place by that name.</li>"; }
      });
  }
  search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 250); });
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); lookup(); } });
})();
