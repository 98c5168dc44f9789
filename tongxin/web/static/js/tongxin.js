/* 童心: the little behaviour pages need, kept out of the templates so the Content-Security-Policy can forbid
   inline scripts, inline event handlers and style attributes.
   - <form data-confirm="问题？"> asks before it submits;
   - <span data-width="42"> is drawn 42 % wide (bars in reports);
   - <button data-print> prints the page. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-confirm]") : null;
    if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { event.preventDefault(); window.print(); }
  });
  function size() {
    document.querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.getAttribute("data-width"));
      if (!isNaN(value)) el.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", size); else size();
})();
