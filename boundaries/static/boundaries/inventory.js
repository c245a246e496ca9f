// The self-inventory's small enhancements; every page works without this file.
(function () {
  "use strict";

  function inInventory(elt) {
    return elt && elt.closest && elt.closest("[data-inventory]");
  }

  // A refused answer (400/422) carries a message meant to be shown where the answer was given.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (!inInventory(event.detail.elt)) { return; }
    if (status === 400 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // A fresh answer replaces the message of an earlier failure.
    var saveStatus = document.getElementById("answer-status");
    if (saveStatus && event.detail.shouldSwap) { saveStatus.classList.remove("is-error"); }
  });

  // Anything else that failed (a lost connection, a take finished in another tab) must not
  // look saved.
  function notSaved(event) {
    var root = inInventory(event.detail.elt);
    var status = document.getElementById("answer-status");
    if (!root || !status) { return; }
    status.textContent = root.getAttribute("data-error-message");
    status.classList.add("is-error");
  }
  document.addEventListener("htmx:responseError", notSaved);
  document.addEventListener("htmx:sendError", notSaved);
})();
