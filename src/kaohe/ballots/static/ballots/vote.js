// The scan address's code (see scan below; shared by the surveys' /ballots/s/scan/#CODE),
// then the phone's checks before a sheet is sent: how many targets are still unmarked, and
// the share of the limited choice (seed 004: 优秀 at most 20%). The server checks the same
// with the engine; this only warns early. No inline script (CSP): loaded as a file.
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
  // The scan address /ballots/scan/#CODE: the code is in the fragment, which the browser
  // never sends to the server (nor to its access log). Take it out of the address bar and
  // the history, put it in the code field and post the form; without script the rater
  // types the code printed on the slip.
  function scan() {
    var form = document.querySelector("form[data-scan]");
    var code = decodeURIComponent(window.location.hash.replace(/^#/, "")).replace(/[^0-9A-Za-z]/g, "");
    if (!form || !code) return;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname);
    }
    form.elements.code.value = code.slice(0, 20);
    form.submit();
  }
  document.addEventListener("DOMContentLoaded", function () {
    check();
    scan();
  });
})();
