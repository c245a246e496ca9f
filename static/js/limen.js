// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Focus moves to new content after an htmx swap that asks for it, for keyboard and
  // screen-reader users.
  document.addEventListener("htmx:afterSettle", function (event) {
    var focus = event.detail.elt.querySelector && event.detail.elt.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); }
  });
})();
