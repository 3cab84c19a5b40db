/* Accessible names that Django's admin widgets leave out (axe: label, empty-table-header, aria-prohibited-attr):
   inputs in tabular inlines get their column's name, file inputs inside a <fieldset> get its legend, the
   empty "original" header cell becomes a plain cell, and the selector's help icons get role="img". */
(function () {
  "use strict";

  function text(el) {
    var clone = el.cloneNode(true);
    clone.querySelectorAll("img, .help, .helptext").forEach(function (x) { x.remove(); });
    return clone.textContent.replace(/[:\s]+$/, "").replace(/\s+/g, " ").trim();
  }

  function fix(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      table.querySelectorAll("thead th[class*='column-']").forEach(function (th) {
        var name = (th.className.match(/column-([\w-]+)/) || [])[1];
        if (!name) { return; }
        table.querySelectorAll("td.field-" + name + " :is(input, select, textarea)").forEach(function (input) {
          if (!input.labels || !input.labels.length) { input.setAttribute("aria-label", text(th)); }
        });
      });
      table.querySelectorAll("thead th.original").forEach(function (th) {
        if (th.textContent.trim()) { return; }
        var td = document.createElement("td");
        td.className = th.className;
        th.replaceWith(td);
      });
    });
    root.querySelectorAll("fieldset > legend").forEach(function (legend) {
      legend.parentNode.querySelectorAll("input[type=file]").forEach(function (input) {
        if (!input.labels || !input.labels.length) { input.setAttribute("aria-label", text(legend)); }
      });
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not(img):not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // Django's own widgets (the topic selector) build their markup on "load"; run after them.
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      fix(document);
      document.documentElement.setAttribute("data-admin-a11y", "ready");
    }, 0);
  });
  document.addEventListener("formset:added", function (event) { fix(event.target); });
})();
