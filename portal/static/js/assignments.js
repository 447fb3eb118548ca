// Responsibility list: the header checkbox selects every row shown (the table is swapped by
// htmx, so the handler is delegated from the document).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) return;
    var table = box.closest("table");
    table.querySelectorAll("input[name=criteria]").forEach(function (el) { el.checked = box.checked; });
  });
})();
