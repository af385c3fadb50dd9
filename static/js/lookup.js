// Autocomplete for the filters that take a name (actors, places, accords, countries,
// outlets): each input[data-lookup] gets a <datalist> filled from /lookup/<kind>.json.
(function () {
  "use strict";
  var script = document.currentScript;
  var template = script && script.dataset.url;
  if (!template) return;
  document.querySelectorAll("input[data-lookup]").forEach(function (input, i) {
    var kind = input.dataset.lookup;
    var list = document.createElement("datalist");
    list.id = "lookup-" + kind + "-" + i;
    input.after(list);
    input.setAttribute("list", list.id);
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q.length < 2 || q === asked) return;
        asked = q;
        fetch(template.replace("KIND", kind) + "?q=" + encodeURIComponent(q),
              {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            if (asked !== q) return;
            list.replaceChildren.apply(list, data.results.map(function (row) {
              var option = document.createElement("option");
              option.value = row.value;
              if (row.label !== row.value) option.label = row.label;
              return option;
            }));
          });
      }, 150);
    });
  });
})();
