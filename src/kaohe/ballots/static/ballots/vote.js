// The phone's checks before a sheet is sent: how many targets are still unmarked, and the
// share of the limited choice (seed 004: 优秀 at most 20%). The server checks the same with
// the engine; this only warns early. No inline script (CSP): loaded as a file.
(function () {
  "use strict";
  function check() {
    var form = document.getElementById("ballot");
    if (!form) return true;
    var ok = true;
    form.querySelectorAll(".ballot-part").forEach(function (part) {
      var limited = part.getAttribute("data-limited");
      var limit = parseInt(part.getAttribute("data-limit"), 10);
      if (!limited || isNaN(limit)) return;
      var counts = {};
      part.querySelectorAll(".marks").forEach(function (group) {
        var key = group.getAttribute("data-group");
        var checked = group.querySelector("input:checked");
        counts[key] = (counts[key] || 0) + (checked && checked.value === limited ? 1 : 0);
      });
      var most = 0;
      Object.keys(counts).forEach(function (key) { most = Math.max(most, counts[key]); });
      var over = most > limit;
      var warning = part.querySelector(".limit-warning");
      if (warning) warning.hidden = !over;
      var count = part.querySelector(".limit-count");
      if (count) count.textContent = "（" + most + " / " + limit + "）";
      part.classList.toggle("over", over);
      if (over) ok = false;
    });
    var groups = form.querySelectorAll(".marks");
    var done = 0;
    groups.forEach(function (group) { if (group.querySelector("input:checked")) done += 1; });
    var progress = form.querySelector(".progress");
    if (progress) progress.textContent = done + " / " + groups.length;
    return ok;
  }
  document.addEventListener("change", function (event) {
    if (event.target instanceof HTMLInputElement && event.target.type === "radio") check();
  });
  document.addEventListener("submit", function (event) {
    if (event.target.id === "ballot" && !check()) {
      event.preventDefault();
      var warning = event.target.querySelector(".over .limit-warning");
      if (warning) warning.scrollIntoView({ block: "center" });
    }
  });
  document.addEventListener("DOMContentLoaded", check);
})();
