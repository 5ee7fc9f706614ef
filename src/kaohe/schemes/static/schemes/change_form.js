// The change-request form: "再加一项" adds one more item from the formset's empty form,
// up to the formset's MAX_NUM_FORMS. Without this script the form keeps the rows it has.
(function () {
  "use strict";
  var button = document.getElementById("change-op-add");
  var template = document.getElementById("change-op-template");
  var ops = document.getElementById("change-ops");
  if (!button || !template || !ops) return;
  var prefix = button.dataset.prefix;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
  function refresh() {
    button.hidden = Number(total.value) >= Number(max.value);
  }
  button.addEventListener("click", function () {
    var index = Number(total.value);
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    ops.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    refresh();
    var first = ops.lastElementChild.querySelector("select, input");
    if (first) first.focus();
  });
  refresh();
})();
