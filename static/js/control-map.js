// The control map: places coloured by their holder's side on the slider's date, a legend
// of the colours drawn, place names where they fit, how sure each answer is, an optional
// area view and the places that changed hands between two dates.
// Data come from the site's own JSON views; the basemap is the site's own world borders.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var dates = JSON.parse(document.getElementById("map-dates").textContent);
  var form = document.getElementById("map-filters");
  var slider = document.getElementById("slider");
  var output = document.getElementById("slider-date");
  var dateInput = document.getElementById("id_date");
  var playButton = document.getElementById("play");
  var listBody = document.querySelector("#place-list tbody");
  var status = document.getElementById("map-status");
  var card = document.getElementById("place-card");
  var legendList = document.getElementById("legend-sides");
  var areaToggle = document.getElementById("area-view");

  var map = L.map("map", { preferCanvas: false, worldCopyJump: true }).setView([35.5, 38.5], 6);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  }
  fetch(config.basemap).then(function (r) { return r.json(); }).then(function (topo) {
    var countries = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#6b7785", weight: 1.5, fillColor: "#f4f1ea", fillOpacity: config.tileUrl ? 0 : 1 },
    }).addTo(map).bringToBack();
  });
  var areaLayer = L.layerGroup().addTo(map);
  var boundaryLayer = L.layerGroup().addTo(map);
  var boundaryCountries = {};  // countries whose admin-1 boundaries are drawn (or asked)

  // Admin-1 boundaries of the countries on the map, approximated from the gazetteer.
  function drawBoundaries(features) {
    features.forEach(function (f) {
      var country = f.properties.country;
      if (!country || boundaryCountries[country]) { return; }
      boundaryCountries[country] = true;
      fetch(config.admin1Url + "?country=" + encodeURIComponent(country), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          L.geoJSON(body, {
            interactive: false,
            style: { color: "#7b6a8f", weight: 1.2, dashArray: "5 4", fill: false, className: "admin1-boundary" },
          }).addTo(boundaryLayer);
        });
    });
  }
  var changeLayer = L.layerGroup().addTo(map);
  var layer = L.layerGroup().addTo(map);
  var labelLayer = L.layerGroup().addTo(map);
  var current = config.initialDate;
  var fitted = false;
  var requestId = 0;
  var drawn = [];  // {marker, props, latlng} of the places on the map now
  var changedIds = {};  // places of the "changes between two dates" view: always named

  function params(date) {
    var data = new FormData(form);
    data.set("date", date);
    var q = new URLSearchParams();
    data.forEach(function (v, k) { if (v) { q.set(k, v); } });
    return q;
  }

  function showErrors(errors) {
    document.querySelectorAll(".field-error").forEach(function (el) {
      var list = errors[el.dataset.for] || [];
      el.textContent = list.map(function (e) { return e.message; }).join(" ");
    });
  }

  function bindReview() {
    var reviewForm = card.querySelector("form.control-review");
    if (!reviewForm) { return; }
    reviewForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(reviewForm);
      data.set("action", e.submitter ? e.submitter.value : "verify");
      fetch(reviewForm.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) {
          if (r.ok) { return r.text().then(function (html) { card.innerHTML = html; bindReview(); load(current); }); }
          return r.json().then(function (body) {
            var el = reviewForm.querySelector(".field-error");
            el.textContent = Object.keys(body.errors || {}).map(function (k) {
              return body.errors[k].map(function (m) { return m.message; }).join(" ");
            }).join(" ");
          });
        });
    });
  }

  function openCard(placeId) {
    var url = config.cardUrl.replace("/0/", "/" + placeId + "/") + "?date=" + current;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) { card.innerHTML = html; bindReview(); });
  }

  // Leaflet puts tooltip strings in as HTML; names come from news text, so pass a text node.
  function asText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function textCell(row, text, href) {
    var cell = row.insertCell();
    if (href) {
      var a = document.createElement("a");
      a.href = href; a.textContent = text; cell.appendChild(a);
    } else { cell.textContent = text; }
    return cell;
  }

  var EVIDENCE_TEXT = { verified: "verified", corroborated: "corroborated", single_source: "one source" };

  // How an answer is drawn: the fill is the holder's side; the ring says how sure it is.
  function markerStyle(p) {
    var style = { radius: 7, fillColor: p.color, fillOpacity: 0.9, color: "#333", weight: 1.5, dashArray: null };
    if (p.evidence === "verified") { style.color = "#000"; style.weight = 3; }
    else if (p.evidence === "single_source") { style.dashArray = "2 2"; style.fillOpacity = 0.75; }
    if (p.inferred) { style.fillOpacity = 0.3; style.dashArray = "2 2"; }
    if (p.unheld) { style.fillColor = "#ffffff"; style.color = "#777"; style.weight = 2; style.fillOpacity = 1; }
    return style;
  }

  function describe(p) {
    var who = p.actor || (p.unheld ? "nobody (withdrawn)" : "unknown holder");
    var bits = [p.name + " — " + who];
    if (p.inferred) { bits.push("inferred"); }
    if (p.contested) { bits.push("contested" + (p.contested_until ? " until " + p.contested_until : "")); }
    bits.push(EVIDENCE_TEXT[p.evidence] + ", " + p.sources + " source" + (p.sources === 1 ? "" : "s"));
    return bits.join(" · ");
  }

  // Names where they fit: the most populous first, none overlapping another, and small
  // places only once zoomed in.
  function minZoom(population) {
    if (population >= 500000) { return 5; }
    if (population >= 100000) { return 7; }
    if (population >= 20000) { return 8; }
    return 10;
  }

  function placeLabels() {
    var zoom = map.getZoom();
    var taken = [];
    labelLayer.clearLayers();
    function rank(d) { return (changedIds[d.props.place_id] ? 1e12 : 0) + (d.props.population || 0); }
    var order = drawn.slice().sort(function (a, b) { return rank(b) - rank(a); });
    order.forEach(function (d) {
      var show = changedIds[d.props.place_id] || zoom >= minZoom(d.props.population || 0);
      if (show) {
        var pt = map.latLngToContainerPoint(d.latlng);
        var box = { x1: pt.x + 8, y1: pt.y - 9, x2: pt.x + 14 + d.props.name.length * 7, y2: pt.y + 9 };
        show = !taken.some(function (t) { return !(box.x2 < t.x1 || box.x1 > t.x2 || box.y2 < t.y1 || box.y1 > t.y2); });
        if (show) { taken.push(box); }
      }
      if (show) {
        L.tooltip({ permanent: true, direction: "right", offset: [6, 0], className: "place-label", interactive: false })
          .setLatLng(d.latlng).setContent(asText(d.props.name)).addTo(labelLayer);
      }
    });
  }
  map.on("zoomend moveend", placeLabels);

  function drawLegend(entries) {
    legendList.innerHTML = "";
    entries.forEach(function (e) {
      var li = document.createElement("li");
      li.className = "legend-entry";
      li.dataset.color = e.color;
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = e.color;
      li.appendChild(swatch);
      var name = document.createElement("strong");
      name.textContent = e.name;
      li.appendChild(name);
      li.appendChild(document.createTextNode(" " + e.places));
      var more = e.actors.filter(function (a) { return a !== e.name; });
      if (more.length) {
        var units = document.createElement("small");
        units.className = "legend-units";
        units.textContent = "incl. " + more.join(", ");
        li.appendChild(units);
      }
      legendList.appendChild(li);
    });
    if (!entries.length) { legendList.innerHTML = "<li class=\"muted\">No place held on this date.</li>"; }
  }

  function loadAreas(date) {
    areaLayer.clearLayers();
    if (!areaToggle.checked) { return; }
    fetch(config.areasUrl + "?" + params(date).toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || date !== current) { return; }
        L.geoJSON(body, {
          interactive: false,
          style: function (f) {
            return { stroke: false, fillColor: f.properties.color, fillOpacity: f.properties.unheld ? 0.15 : 0.35, className: "area-cell" };
          },
        }).addTo(areaLayer);
      });
  }
  areaToggle.addEventListener("change", function () { loadAreas(current); });

  function load(date) {
    current = date;
    output.textContent = date;
    dateInput.value = date;
    document.getElementById("list-date").textContent = date;
    var mine = ++requestId;
    var q = params(date);
    history.replaceState(null, "", "?" + q.toString());
    loadAreas(date);
    return fetch(config.dataUrl + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (mine !== requestId) { return; }  // a later date was asked for meanwhile
        if (!res.ok) { showErrors(res.body.errors || {}); status.textContent = "Fix the filters above."; return; }
        showErrors({});
        layer.clearLayers();
        drawn = [];
        listBody.innerHTML = "";
        var bounds = [];
        res.body.features.forEach(function (f) {
          var p = f.properties;
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          bounds.push(ll);
          if (p.contested) {
            L.circleMarker(ll, { radius: 11, fill: false, color: "#b00020", weight: 2.5, dashArray: "3 2",
              interactive: false, className: "contested-ring ring-" + p.place_id }).addTo(layer);
          }
          var style = markerStyle(p);
          style.className = "place-marker place-" + p.place_id + " evidence-" + p.evidence +
            (p.contested ? " contested" : "") + (p.inferred ? " inferred" : "") + (p.unheld ? " unheld" : "");
          var marker = L.circleMarker(ll, style);
          marker.bindTooltip(asText(describe(p)), { className: "place-tip" });
          marker.on("click", function () { openCard(p.place_id); });
          marker.addTo(layer);
          drawn.push({ marker: marker, props: p, latlng: L.latLng(ll) });
          var el = marker.getElement && marker.getElement();
          if (el) {
            el.setAttribute("data-color", style.fillColor); el.setAttribute("data-name", p.name);
            el.setAttribute("data-evidence", p.evidence);
          }
          var row = listBody.insertRow();
          row.dataset.placeId = p.place_id;
          textCell(row, p.name + (p.contested ? " (contested" + (p.contested_until ? " until " + p.contested_until : "") + ")" : ""),
            config.placeUrl.replace("/0/", "/" + p.place_id + "/"));
          var holder = row.insertCell();
          var swatch = document.createElement("span");
          swatch.className = "swatch"; swatch.style.background = style.fillColor;
          holder.appendChild(swatch);
          holder.appendChild(document.createTextNode((p.actor || (p.unheld ? "nobody (withdrawn)" : "unknown holder")) + (p.inferred ? " (inferred)" : "")));
          textCell(row, p.since || "before records");
          textCell(row, EVIDENCE_TEXT[p.evidence] + " · " + (p.sources ? p.sources + " source" + (p.sources === 1 ? "" : "s") : "no source linked")).className = "evidence-" + p.evidence;
        });
        drawLegend(res.body.legend || []);
        drawBoundaries(res.body.features);
        status.textContent = res.body.features.length + " places on " + res.body.date + ". Hover a place for its holder, click it for the evidence.";
        if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9 }); fitted = true; }
        placeLabels();
        document.body.dataset.mapDate = res.body.date;
      });
  }

  // The places that changed hands between two dates, listed and ringed on the map.
  var changesSection = document.getElementById("changes");
  var changesBody = document.querySelector("#changes-list tbody");
  document.getElementById("changes-show").addEventListener("click", function () {
    var start = document.getElementById("changes-start").value;
    var end = document.getElementById("changes-end").value || current;
    var q = new URLSearchParams({ start: start, end: end });
    var country = form.querySelector("[name=country]");
    if (country && country.value) { q.set("country", country.value); }
    fetch(config.changesUrl + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        changeLayer.clearLayers();
        changedIds = {};
        changesBody.innerHTML = "";
        changesSection.hidden = false;
        if (!res.ok) {
          document.getElementById("changes-range").textContent = Object.keys(res.body.errors).map(function (k) {
            return k + ": " + res.body.errors[k].map(function (m) { return m.message; }).join(" ");
          }).join("; ");
          return;
        }
        document.getElementById("changes-range").textContent = "from " + res.body.start + " to " + res.body.end + " (" + res.body.changes.length + ")";
        res.body.changes.forEach(function (c) {
          changedIds[c.place_id] = true;
          L.circleMarker([c.lat, c.lon], { radius: 14, fill: false, color: "#000", weight: 3, dashArray: "6 3", interactive: false,
            className: "changed changed-" + c.place_id }).addTo(changeLayer);
          var row = changesBody.insertRow();
          row.dataset.placeId = c.place_id;
          textCell(row, c.name, config.placeUrl.replace("/0/", "/" + c.place_id + "/"));
          textCell(row, c.before || "—");
          textCell(row, c.after || "nobody (withdrawn)");
          textCell(row, c.since || "");
        });
        if (end !== current) { slider.value = indexOf(end); load(end); } else { placeLabels(); }
      });
  });
  document.getElementById("changes-clear").addEventListener("click", function () {
    changeLayer.clearLayers(); changesSection.hidden = true; changedIds = {}; placeLabels();
  });

  function indexOf(date) {
    var best = 0;
    for (var i = 0; i < dates.length; i++) { if (dates[i] <= date) { best = i; } }
    return best;
  }

  slider.addEventListener("input", function () { if (dates.length) { load(dates[+slider.value]); } });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (dateInput.value) { slider.value = indexOf(dateInput.value); }
    load(dateInput.value || current);
  });

  var timer = null;
  playButton.addEventListener("click", function () {
    if (timer) { clearInterval(timer); timer = null; playButton.textContent = "▶ Play"; return; }
    if (+slider.value >= dates.length - 1) { slider.value = 0; load(dates[0]); }
    playButton.textContent = "❚❚ Pause";
    timer = setInterval(function () {
      if (+slider.value >= dates.length - 1) { clearInterval(timer); timer = null; playButton.textContent = "▶ Play"; return; }
      slider.value = +slider.value + 1;
      load(dates[+slider.value]);
    }, 1200);
  });

  slider.value = indexOf(current);
  load(current);
})();
