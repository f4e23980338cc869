/* stance report: a little progressive enhancement. Without this script the page reads the same;
   with it, a sentence's details show as a tooltip with probability bars (on hover and on
   keyboard focus), and the documents can be sorted and filtered. No network, no library. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.className += " js";
  var tip = document.getElementById("tip");
  var current = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  /* The details of a sentence come as lines: "label NN% · label NN%", then "key: value". */
  function fill(text) {
    while (tip.firstChild) { tip.removeChild(tip.firstChild); }
    var lines = text.split("\n");
    var bars = lines[0].split(" · ").map(function (p) { return /^([a-z]+) (\d+)%$/.exec(p); });
    var start = 0;
    if (bars.length && bars.every(Boolean)) {
      bars.forEach(function (m) {
        var row = el("div", "row " + m[1]);
        var track = el("span", "track");
        var bar = el("i");
        bar.style.width = m[2] + "%";
        track.appendChild(bar);
        row.appendChild(el("span", "", m[1]));
        row.appendChild(track);
        row.appendChild(el("span", "", m[2] + "%"));
        tip.appendChild(row);
      });
      start = 1;
    }
    lines.slice(start).forEach(function (line) {
      var p = el("p");
      var k = line.indexOf(": ");
      if (k > 0 && k < 8) {
        p.appendChild(el("b", "", line.slice(0, k) + " "));
        p.appendChild(document.createTextNode(line.slice(k + 2)));
      } else {
        p.textContent = line;
      }
      tip.appendChild(p);
    });
  }

  function show(target) {
    current = target;
    fill(target.getAttribute("data-tip"));
    tip.hidden = false;
    target.setAttribute("aria-describedby", "tip");
    var r = (target.getClientRects && target.getClientRects()[0]) || target.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    var y = r.bottom + 8;
    if (y + h > window.innerHeight - 8) { y = Math.max(8, r.top - h - 8); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function hide() {
    if (current) { current.removeAttribute("aria-describedby"); }
    current = null;
    tip.hidden = true;
  }

  function tipTarget(node) {
    while (node && node !== document) {
      if (node.getAttribute && node.getAttribute("data-tip") !== null) { return node; }
      node = node.parentNode;
    }
    return null;
  }

  /* Chart dots: their <title> becomes the tooltip and the accessible name (no double tooltip). */
  Array.prototype.forEach.call(document.querySelectorAll("circle.pt"), function (dot) {
    var title = dot.querySelector("title");
    if (title) {
      dot.setAttribute("data-tip", title.textContent);
      dot.setAttribute("aria-label", title.textContent);
      dot.removeChild(title);
    }
  });

  document.addEventListener("mouseover", function (e) {
    var t = tipTarget(e.target);
    if (t && t !== current) { show(t); } else if (!t && current && current !== document.activeElement) { hide(); }
  });
  document.addEventListener("focusin", function (e) {
    var t = tipTarget(e.target);
    if (t) { show(t); } else { hide(); }
  });
  document.addEventListener("focusout", function () { hide(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  window.addEventListener("scroll", function () { if (current && current !== document.activeElement) { hide(); } }, { passive: true });

  /* Sorting and filtering of the documents. */
  var form = document.getElementById("controls");
  var list = document.getElementById("doclist");
  if (form && list) {
    var docs = Array.prototype.slice.call(list.querySelectorAll("article.doc"));
    var text = {};
    var field = function (id) { var f = document.getElementById(id); return f ? f.value : ""; };
    var byDate = function (sign) {
      return function (a, b) {
        var da = a.getAttribute("data-date"), db = b.getAttribute("data-date");
        if (!da !== !db) { return da ? -1 : 1; }
        return da === db ? order(a, b) : (da < db ? -sign : sign);
      };
    };
    var order = function (a, b) { return a.getAttribute("data-order") - b.getAttribute("data-order"); };
    var byTension = function (sign) {
      return function (a, b) {
        return sign * (a.getAttribute("data-tension") - b.getAttribute("data-tension")) || order(a, b);
      };
    };
    var sorts = { "order": order, "date-": byDate(-1), "date+": byDate(1), "tension-": byTension(-1), "tension+": byTension(1) };
    var apply = function () {
      var label = field("f-label"), actor = field("f-actor"), q = field("f-text").toLowerCase().trim();
      docs.slice().sort(sorts[field("f-sort")] || order).forEach(function (d) { list.appendChild(d); });
      var shown = 0;
      docs.forEach(function (d, i) {
        var ok = (!label || (" " + d.getAttribute("data-labels") + " ").indexOf(" " + label + " ") >= 0) &&
                 (!actor || ("|" + d.getAttribute("data-actors") + "|").indexOf("|" + actor + "|") >= 0);
        if (ok && q) {
          if (text[i] === undefined) { text[i] = d.textContent.toLowerCase(); }
          ok = text[i].indexOf(q) >= 0;
        }
        d.hidden = !ok;
        shown += ok ? 1 : 0;
      });
      if (label) { list.setAttribute("data-only", label); } else { list.removeAttribute("data-only"); }
      document.getElementById("f-count").textContent = shown + " of " + docs.length + " documents";
    };
    form.hidden = false;
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    apply();
  }

  /* Printing shows the tables folded on screen. */
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    folded.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () { folded.forEach(function (d) { d.open = false; }); });

  root.setAttribute("data-ready", "1");
}());
