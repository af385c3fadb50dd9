// The control map: places coloured by their holder on the slider's date.
// Data come from the site's own GeoJSON view; the basemap is the site's own world borders.
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

  var map = L.map("map", { preferCanvas: false, worldCopyJump: true }).setView([35.5, 38.5], 6);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 18 }).addTo(map);
  }
  fetch(config.basemap).then(function (r) { return r.json(); }).then(function (topo) {
    var countries = topojson.feature(topo, topo.objects.countries);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#8a94a3", weight: 1, fillColor: "#f4f1ea", fillOpacity: config.tileUrl ? 0 : 1 },
    }).addTo(map).bringToBack();
  });
  var layer = L.layerGroup().addTo(map);
  var current = config.initialDate;
  var fitted = false;
  var requestId = 0;

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

  function openCard(placeId) {
    var url = config.cardUrl.replace("/0/", "/" + placeId + "/") + "?date=" + current;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) { card.innerHTML = html; });
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
  }

  function load(date) {
    current = date;
    output.textContent = date;
    dateInput.value = date;
    document.getElementById("list-date").textContent = date;
    var mine = ++requestId;
    var q = params(date);
    history.replaceState(null, "", "?" + q.toString());
    return fetch(config.dataUrl + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (mine !== requestId) { return; }  // a later date was asked for meanwhile
        if (!res.ok) { showErrors(res.body.errors || {}); status.textContent = "Fix the filters above."; return; }
        showErrors({});
        layer.clearLayers();
        listBody.innerHTML = "";
        var bounds = [];
        res.body.features.forEach(function (f) {
          var p = f.properties;
          var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          bounds.push(ll);
          var marker = L.circleMarker(ll, {
            radius: 7, weight: p.contested ? 3 : 1, color: p.contested ? "#b00020" : "#222",
            dashArray: p.contested ? "3 3" : null, fillColor: p.color, fillOpacity: 0.9,
            className: "place-marker place-" + p.place_id + (p.contested ? " contested" : ""),
          });
          marker.bindTooltip(asText(p.name + " — " + (p.actor || "unknown holder") + (p.contested ? " (contested)" : "")));
          marker.on("click", function () { openCard(p.place_id); });
          marker.addTo(layer);
          var el = marker.getElement && marker.getElement();
          if (el) { el.setAttribute("data-color", p.color); el.setAttribute("data-name", p.name); }
          var row = listBody.insertRow();
          row.dataset.placeId = p.place_id;
          textCell(row, p.name + (p.contested ? " (contested)" : ""), config.placeUrl.replace("/0/", "/" + p.place_id + "/"));
          var holder = row.insertCell();
          var swatch = document.createElement("span");
          swatch.className = "swatch"; swatch.style.background = p.color;
          holder.appendChild(swatch);
          holder.appendChild(document.createTextNode(p.actor || "unknown holder"));
          textCell(row, p.since);
        });
        status.textContent = res.body.features.length + " places on " + res.body.date + ".";
        if (!fitted && bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 8 }); fitted = true; }
        document.body.dataset.mapDate = res.body.date;
      });
  }

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
