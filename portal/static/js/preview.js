// Evidence preview: a click (or Enter/Space, it is a button) toggles an image between fitting
// the panel and its full size.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".zoom");
    if (!button) return;
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
  });
})();
