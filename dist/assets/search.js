// The site's search: loads search/index.json once, matches every word typed (accents and case
// ignored) against the start of a word of the names, or anywhere in the descriptions, filters
// by the facets, and lists the best matches. Text is only ever set with textContent.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var list = document.getElementById("results");
  var facets = { type: "f-type", award: "f-award", year: "f-year", country: "f-country" };
  var SHOWN = 50;
  var index = null, docs = [];

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) { return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean); }

  function prepare(data) {
    index = data;
    docs = data.docs.map(function (d) {
      return {
        d: d,
        names: words([d[0]].concat(d[6]).join(" ")),
        text: fold(d[7] + " " + data.types[d[2]] + " " + d[3].map(function (i) { return data.awards[i]; }).join(" ") + " " + d[5].map(function (i) { return data.countries[i]; }).join(" ")),
        name: fold(d[0])
      };
    });
  }

  function score(doc, terms, phrase) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], best = 0;
      for (var j = 0; j < doc.names.length; j++) {
        var w = doc.names[j];
        if (w === t) { best = 3; break; }
        if (w.indexOf(t) === 0) best = Math.max(best, 2);
      }
      if (!best && doc.text.indexOf(t) >= 0) best = 1;
      if (!best) return null;
      total += best;
    }
    if (phrase && doc.name === phrase) total += 10;
    else if (phrase && doc.name.indexOf(phrase) === 0) total += 4;
    // names that are mostly the words asked for come first; then by type (awards, people
    // and organisations before the documents that mention them)
    total += 4 * Math.min(1, terms.length / Math.max(1, doc.names.length));
    return total + doc.d[8];
  }

  function chosen() {
    var out = {};
    for (var k in facets) out[k] = document.getElementById(facets[k]).value;
    return out;
  }

  function passes(d, f) {
    if (f.type && index.types[d[2]] !== f.type) return false;
    if (f.award && d[3].map(function (i) { return index.awards[i]; }).indexOf(f.award) < 0) return false;
    if (f.year && d[4].indexOf(Number(f.year)) < 0) return false;
    if (f.country && d[5].map(function (i) { return index.countries[i]; }).indexOf(f.country) < 0) return false;
    return true;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function search() {
    if (!index) return;
    var terms = words(input.value), f = chosen(), phrase = fold(input.value.trim());
    var any = terms.length || f.type || f.award || f.year || f.country;
    list.textContent = "";
    if (!any) { status.textContent = docs.length + " entities can be found here."; return; }
    var hits = [];
    docs.forEach(function (doc) {
      if (!passes(doc.d, f)) return;
      var s = terms.length ? score(doc, terms, phrase) : doc.d[8];
      if (s !== null) hits.push([s, doc.d]);
    });
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1][0] < b[1][0] ? -1 : a[1][0] > b[1][0] ? 1 : 0); });
    status.textContent = hits.length === 0 ? "Nothing found." :
      hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > SHOWN ? ", the first " + SHOWN + " shown." : ".");
    hits.slice(0, SHOWN).forEach(function (h) {
      var d = h[1], li = el("li");
      li.appendChild(el("a", d[0], { href: d[1] }));
      var facts = [index.types[d[2]]];
      if (d[3].length) facts.push(d[3].map(function (i) { return index.awards[i]; }).join(", "));
      if (d[4].length) facts.push(d[4].length > 3 ? d[4][0] + "–" + d[4][d[4].length - 1] : d[4].join(", "));
      if (d[5].length) facts.push(d[5].map(function (i) { return index.countries[i]; }).join(", "));
      li.appendChild(el("div", facts.join(" · "), { "class": "meta-line" }));
      if (d[7]) li.appendChild(el("div", d[7]));
      list.appendChild(li);
    });
  }

  function remember() {
    var p = new URLSearchParams();
    if (input.value) p.set("q", input.value);
    var f = chosen();
    for (var k in f) if (f[k]) p.set(k, f[k]);
    history.replaceState(null, "", "search.html" + (p.toString() ? "?" + p : ""));
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (var k in facets) if (params.get(k)) document.getElementById(facets[k]).value = params.get(k);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); remember(); search(); });
  input.addEventListener("input", function () { remember(); search(); });
  for (var key in facets) document.getElementById(facets[key]).addEventListener("change", function () { remember(); search(); });
  status.textContent = "Loading the index…";
  fetch(form.getAttribute("data-index"))
    .then(function (r) { if (!r.ok) throw new Error(r.statusText); return r.json(); })
    .then(function (data) { prepare(data); search(); input.focus(); })
    .catch(function (e) {
      status.textContent = "The search index could not be loaded (" + e.message + "); open the site through a web server, or browse the lists in the menu.";
    });
})();
