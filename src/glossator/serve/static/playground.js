// The playground of glossator serve: annotate the text as it is typed (POST /v1/annotate)
// and show the result and its table of matches. No inline code: the page's CSP allows
// only this file and glossator.js.
"use strict";
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var source = $("source");
  var result = $("result");
  var status = $("status");
  var fields = ["glossary", "input_format", "format", "occurrences", "accents", "markup"];
  var timer = null;
  var latest = 0;

  function headers(extra) {
    var h = extra || {};
    var token = $("token").value.trim();
    if (token) { h.Authorization = "Bearer " + token; }
    return h;
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "status error" : "status";
  }

  function loadGlossaries() {
    fetch("/v1/glossaries", { headers: headers() })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var select = $("glossary");
        var chosen = select.value;
        select.textContent = "";
        data.glossaries.forEach(function (g) {
          var option = document.createElement("option");
          option.value = g.name;
          option.textContent = g.name + " (" + g.entries + " entrées)";
          select.appendChild(option);
        });
        if (chosen) { select.value = chosen; }
        if (!select.value && select.options.length) { select.selectedIndex = 0; }
      });
  }

  function showMatches(matches) {
    var body = $("matches").querySelector("tbody");
    body.textContent = "";
    matches.forEach(function (m) {
      var row = document.createElement("tr");
      [m.start + "–" + m.end, m.surface, m.term, m.form, m.how,
       m.annotated ? "oui" : "non : " + m.reason].forEach(function (value) {
        var cell = document.createElement("td");
        cell.textContent = value;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }

  function showOutput(data, format) {
    result.textContent = "";
    if (format === "html") {
      // glossator escapes the glossary's text; the page's CSP runs no script of the input
      result.innerHTML = data.output;
    } else {
      var pre = document.createElement("pre");
      pre.textContent = data.output;
      result.appendChild(pre);
    }
  }

  function annotate() {
    var request = { text: source.value };
    fields.forEach(function (name) { request[name] = $(name).value; });
    var id = ++latest;
    say("Annotation…", false);
    fetch("/v1/annotate", {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(request)
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (answer) {
      if (id !== latest) { return; }
      if (!answer.ok) {
        say(answer.data.detail || answer.data.title, true);
        return;
      }
      showOutput(answer.data, request.format);
      showMatches(answer.data.matches);
      var n = answer.data.matches.filter(function (m) { return m.annotated; }).length;
      say(n + " terme(s) annoté(s), glossaire " + answer.data.glossary.name +
          " (version " + answer.data.glossary.version + ")", false);
    }).catch(function (error) {
      if (id === latest) { say("Le service ne répond pas : " + error, true); }
    });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(annotate, 250);
  }

  source.addEventListener("input", soon);
  fields.forEach(function (name) { $(name).addEventListener("change", soon); });
  $("token").addEventListener("change", function () { loadGlossaries(); soon(); });
  $("options").addEventListener("submit", function (e) { e.preventDefault(); });
  loadGlossaries();
})();
