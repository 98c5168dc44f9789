/* 童心: the little behaviour pages need, kept out of the templates so the Content-Security-Policy can forbid
   inline scripts, inline event handlers and style attributes.
   - <form data-confirm="问题？"> asks before it submits;
   - <span data-width="42"> is drawn 42 % wide (bars in reports);
   - <button data-print> prints the page;
   - <div data-when="change" data-values="away health"> is shown only while the form's control named "change"
     has one of those values (without the script every field shows). */
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
  function follow(form) {
    form.querySelectorAll("[data-when]").forEach(function (el) {
      var control = form.elements[el.getAttribute("data-when")];
      if (!control) return;
      el.hidden = (el.getAttribute("data-values") || "").split(" ").indexOf(control.value) < 0;
    });
  }
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-when]")) follow(form);
  });
  function start() {
    size();
    document.querySelectorAll("form").forEach(function (form) { if (form.querySelector("[data-when]")) follow(form); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
