// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Copy buttons (the calendar feed's address): the field is selected too, so copying by hand
  // still works where the clipboard is not available.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    if (!field) { return; }
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-copied");
      if (status) { status.textContent = button.getAttribute("data-copied"); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () { /* selected for copying by hand */ });
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });

  // The element an htmx swap put in place. An outerHTML swap (a review row sent back with its
  // error) replaces the element the event names: its successor is found by the same id.
  function swapped(event) {
    var where = event.detail.elt;
    if (where && !where.isConnected && where.id) { where = document.getElementById(where.id); }
    return where && where.isConnected ? where : null;
  }

  // On a phone a table's rows stack and its header row is hidden (limen.css): each cell gets its
  // column's heading to show before it ("Supervisor: Sara Jansen"). Headings only for screen
  // readers ("Actions") are left out; a table whose header spans columns is left as it is.
  function labelTableCells(root) {
    var inside = root.closest && root.closest("table.table");
    var tables = inside ? [inside] : root.querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      var header = table.tHead && table.tHead.rows.length === 1 ? table.tHead.rows[0] : null;
      if (!header) { return; }
      var cells = Array.prototype.slice.call(header.cells);
      if (cells.some(function (cell) { return cell.colSpan !== 1; })) { return; }
      var headings = cells.map(function (cell) {
        return cell.querySelector(".visually-hidden") ? "" : cell.textContent.trim();
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          if (row.cells.length !== headings.length) { return; }
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (headings[i]) { cell.setAttribute("data-label", headings[i]); }
          });
        });
      });
    });
  }
  labelTableCells(document);
  // Labelled as soon as the rows are swapped in, before the page is next drawn: waiting for
  // htmx's settle step (20 ms later) would show the new rows without their headings first.
  document.addEventListener("htmx:afterSwap", function (event) {
    labelTableCells(swapped(event) || document);
  });

  // The time-zone menu: this device's zone joins the suggested ones, after the person's own.
  var zoneMenu = document.querySelector("select[data-suggest-browser-zone]");
  var deviceZone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zoneMenu && deviceZone) {
    var suggested = zoneMenu.querySelector("optgroup");
    var already = suggested && Array.prototype.some.call(suggested.children, function (option) {
      return option.value === deviceZone;
    });
    var known = Array.prototype.filter.call(zoneMenu.options, function (option) {
      return option.value === deviceZone;
    })[0];
    if (suggested && !already && known) {
      var copy = known.cloneNode(true);
      copy.selected = false;
      copy.defaultSelected = false;
      suggested.insertBefore(copy, suggested.children[1] || null);
    }
  }

  // A <details> that lies over the page like a menu folds again as menus do: on a click or
  // focus elsewhere, or on Escape (focus back on its button); ``folds`` says when it behaves so.
  var foldLikeAMenu = function (menu, folds) {
    var foldOutside = function (event) {
      if (folds() && menu.open && !menu.contains(event.target)) { menu.open = false; }
    };
    document.addEventListener("click", foldOutside);
    document.addEventListener("focusin", foldOutside);
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && folds() && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  };

  // On a phone the main navigation folds behind "Menu" (one header row); wider, it is always open.
  var navMenu = document.querySelector("[data-nav-menu]");
  if (navMenu && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 40rem)");
    var fold = function () { navMenu.open = !narrow.matches; };
    fold();
    if (narrow.addEventListener) { narrow.addEventListener("change", fold); }
    foldLikeAMenu(navMenu, function () { return narrow.matches; });
  }

  // The header's drop-down menus (language, account).
  Array.prototype.forEach.call(document.querySelectorAll("details[data-dropdown]"), function (menu) {
    foldLikeAMenu(menu, function () { return true; });
  });

  // Focus moves to new content after an htmx swap that asks for it, for keyboard and
  // screen-reader users.
  document.addEventListener("htmx:afterSettle", function (event) {
    var where = swapped(event);
    var focus = where && where.querySelector && where.querySelector("[data-autofocus]");
    if (focus) { focus.focus(); }
  });

  // Paging through results in place: the link that was used is gone with the old page, and
  // focus would fall back to the start of the document. The new page's results are brought into
  // view and their heading takes focus, so the next Tab reaches the first new result.
  document.addEventListener("htmx:afterSettle", function (event) {
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!trigger || !trigger.closest || !trigger.closest(".pagination")) { return; }
    var target = event.detail.target;
    var results = target && target.isConnected ? target : document.getElementById("results");
    var heading = results && results.querySelector("h2");
    if (!heading) { return; }
    results.scrollIntoView({ block: "start" });
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  });

  // A form sent back with errors (a whole page, after a post): focus starts at its error summary
  // or its first field in error (Django marks it aria-invalid), not at the top of the page.
  var firstError = document.querySelector(
    'form[method="post"] .form-errors, form[method="post"] [aria-invalid="true"]'
  );
  if (firstError) {
    if (!firstError.matches("input, select, textarea, button, [tabindex]")) {
      firstError.setAttribute("tabindex", "-1");
    }
    firstError.focus();
  }

  // --- Session entry editor --------------------------------------------------------------
  // The server autosaves every few seconds; this tab also keeps an unsaved copy (sessionStorage,
  // gone when the tab closes) so that text typed while a session expired is never lost.
  var form = document.getElementById("entry-form");
  if (form) {
    var key = form.getAttribute("data-draft-key");
    var fields = ["notes", "felt", "went_well", "differently", "next_steps"];
    window.limenDirty = false;

    var snapshot = function () {
      var data = {};
      fields.forEach(function (name) {
        if (form.elements[name]) { data[name] = form.elements[name].value; }
      });
      return data;
    };
    var differs = function (saved) {
      return fields.some(function (name) {
        return form.elements[name] && saved[name] !== undefined && saved[name] !== form.elements[name].value;
      });
    };

    try {
      var stored = JSON.parse(window.sessionStorage.getItem(key) || "null");
      if (stored && differs(stored)) {
        var restore = document.getElementById("draft-restore");
        restore.hidden = false;
        restore.querySelector("[data-restore-draft]").addEventListener("click", function () {
          fields.forEach(function (name) {
            if (form.elements[name] && stored[name] !== undefined) { form.elements[name].value = stored[name]; }
          });
          restore.hidden = true;
          window.limenDirty = true;
          form.elements.notes.dispatchEvent(new Event("input", { bubbles: true }));
        });
      }
    } catch (error) { /* storage unavailable: the server autosave still runs */ }

    form.addEventListener("input", function () {
      window.limenDirty = true;
      try { window.sessionStorage.setItem(key, JSON.stringify(snapshot())); } catch (error) { /* full or disabled */ }
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      // htmx reports the swapped-out element's parent as ``elt``; the request's own element
      // is in ``requestConfig``.
      var config = event.detail.requestConfig;
      var target = (config && config.elt) || event.detail.elt;
      if (!target || target.id !== "save-status") { return; }
      var status = event.detail.xhr.status;
      if (status === 200) {
        window.limenDirty = false;
        document.getElementById("session-expired").hidden = true;
        try { window.sessionStorage.removeItem(key); } catch (error) { /* ignore */ }
      } else if (status === 401) {
        document.getElementById("session-expired").hidden = false;
      }
    });
    form.addEventListener("submit", function () {
      try { window.sessionStorage.setItem(key, JSON.stringify(snapshot())); } catch (error) { /* ignore */ }
    });
  }
})();
