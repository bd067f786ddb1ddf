// The SPARQL page: runs the query against the endpoint (asking for SPARQL JSON) and shows the
// answer as an HTML table, with links to the same results as CSV, TSV, JSON and XML. Text is
// only ever set with textContent: nothing from the results becomes markup.
(function () {
  "use strict";
  var form = document.getElementById("sparql-form");
  var box = document.getElementById("query");
  var out = document.getElementById("results");
  var endpoint = form.getAttribute("data-endpoint");

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function url(query, format) {
    var u = endpoint + (endpoint.indexOf("?") < 0 ? "?" : "&") + "query=" + encodeURIComponent(query);
    return format ? u + "&format=" + format : u;
  }

  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
      td.appendChild(el("a", term.value, { href: term.value }));
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.setAttribute("lang", term["xml:lang"]);
    }
    return td;
  }

  function show(query, data) {
    out.textContent = "";
    if (typeof data.boolean === "boolean") {
      out.appendChild(el("p", "Answer: " + (data.boolean ? "yes" : "no"), { id: "answer" }));
      return;
    }
    var vars = data.head.vars, rows = data.results.bindings;
    out.appendChild(el("h2", rows.length + (rows.length === 1 ? " result" : " results")));
    var wrap = el("div", null, { "class": "table-wrap" });
    var table = el("table", null, { "class": "results" });
    var head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", v, { scope: "col" })); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (row) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    wrap.appendChild(table);
    out.appendChild(wrap);
    var p = el("p", "Download these results as ");
    [["csv", "CSV"], ["tsv", "TSV"], ["json", "JSON"], ["xml", "XML"]].forEach(function (f, i) {
      if (i) p.appendChild(document.createTextNode(", "));
      p.appendChild(el("a", f[1], { href: url(query, f[0]), download: "results." + f[0] }));
    });
    p.appendChild(document.createTextNode("."));
    out.appendChild(p);
  }

  function run(query) {
    out.textContent = "";
    out.appendChild(el("p", "Running…"));
    fetch(url(query), { headers: { Accept: "application/sparql-results+json" } })
      .then(function (r) {
        if (!r.ok) return r.text().then(function (t) { throw new Error(t || r.statusText); });
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("json") < 0) throw new Error("only SELECT and ASK queries show as a table here; use the endpoint for CONSTRUCT and DESCRIBE");
        return r.json();
      })
      .then(function (data) { show(query, data); })
      .catch(function (e) {
        out.textContent = "";
        out.appendChild(el("p", "The query failed: " + e.message, { "class": "error", role: "alert" }));
      });
  }

  function example(name) {
    var t = document.getElementById("example-" + name);
    return t ? t.content.textContent : null;
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    history.replaceState(null, "", "sparql.html?query=" + encodeURIComponent(box.value));
    run(box.value);
  });
  document.querySelectorAll("a[data-example]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var text = example(a.getAttribute("data-example"));
      if (text === null) return;
      box.value = text;
      history.replaceState(null, "", a.getAttribute("href"));
      run(text);
    });
  });
  var params = new URLSearchParams(location.search);
  var start = params.get("query") || (params.get("example") && example(params.get("example")));
  if (start) { box.value = start; run(start); }
})();
