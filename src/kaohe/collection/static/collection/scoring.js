// The scoring grid: a cell saves when the focus leaves it (htmx listens for "cellsave"),
// Enter moves to the same column of the next row (Tab moves right by itself), and a
// value typed on a phone keyboard keeps its decimal point. No inline script (CSP).
(function () {
  "use strict";
  function formOf(element) {
    return element && element.closest ? element.closest("form[data-cell]") : null;
  }
  function changed(form) {
    if (form.hasAttribute("data-unsaved")) return true;
    var inputs = form.querySelectorAll("input[data-grid-input]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value !== inputs[i].defaultValue) return true;
    }
    return false;
  }
  document.addEventListener("focusout", function (event) {
    var form = formOf(event.target);
    if (!form || formOf(event.relatedTarget) === form) return;
    if (changed(form) && window.htmx) {
      window.htmx.trigger(form, "cellsave");
    }
  });
  // After a save, the count of empty cells of that grid follows.
  document.addEventListener("htmx:afterSettle", function () {
    var counters = document.querySelectorAll("[data-empty]");
    for (var i = 0; i < counters.length; i++) {
      var section = counters[i].closest("section");
      counters[i].textContent = String(section.querySelectorAll("td.cell.blank").length);
    }
  });
  // A save that failed (server error, network): say so in the cell, keep what was typed.
  function failed(event) {
    var form = formOf(event.target);
    if (!form) return;
    var cell = form.closest("td");
    var table = form.closest("table");
    var note = cell.querySelector(".cell-error[data-failed]");
    if (!note) {
      note = document.createElement("span");
      note.className = "cell-error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-failed", "");
      form.insertAdjacentElement("afterend", note);
    }
    note.textContent = (table && table.getAttribute("data-save-failed")) || "!";
    cell.classList.add("has-error");
    form.setAttribute("data-unsaved", "");  // try again when the focus leaves it
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var input = event.target;
    var form = formOf(input);
    if (!form) return;
    event.preventDefault();
    var cell = form.closest("td");
    var row = cell.parentElement;
    var next = row.nextElementSibling;
    var target = null;
    while (next && !target) {
      var same = next.children[cell.cellIndex];
      target = same ? same.querySelector("input[data-grid-input]") : null;
      next = next.nextElementSibling;
    }
    if (target) {
      target.focus();
      target.select();
    } else {
      input.blur();
    }
  });
})();
