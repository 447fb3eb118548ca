// Small behaviours shared by every page. No inline scripts: the CSP allows only 'self'.
(function () {
  "use strict";

  // Confirm before destructive or weighty actions on plain forms (htmx uses hx-confirm).
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Select boxes that submit their form on change (year pickers and the like).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // Errors from htmx requests (403, 404, 500…) are shown, not swallowed.
  function showError(html) {
    var box = document.getElementById("htmx-error");
    if (!box) return;
    box.innerHTML = html;
    box.hidden = false;
    window.clearTimeout(box._timer);
    box._timer = window.setTimeout(function () { box.hidden = true; }, 8000);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showError(xhr.responseText && xhr.responseText.length < 2000
      ? xhr.responseText
      : "<strong>Lỗi.</strong> Không thực hiện được thao tác (mã " + xhr.status + ").");
  });
  document.addEventListener("htmx:sendError", function () {
    showError("<strong>Mất kết nối.</strong> Không gửi được yêu cầu tới máy chủ. Vui lòng thử lại.");
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("#htmx-error")) event.target.closest("#htmx-error").hidden = true;
  });

  // Live search: the result count arrives inside freshly swapped content, and screen readers do
  // not announce a live region that is itself new. Repeat it in one region that stays put.
  var announcer = null;
  document.addEventListener("htmx:afterSettle", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.closest || !source.closest("form[role=search]")) return;
    var count = document.querySelector("main .count[aria-live]");
    if (!count) return;
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "sr-only";
      announcer.setAttribute("role", "status");
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = count.textContent.replace(/\s+/g, " ").trim();
  });

  // Upload progress bars: <progress data-upload-progress> inside an hx-encoding multipart form.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("form");
    var bar = form && form.querySelector("progress[data-upload-progress]");
    if (bar && event.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  // Forms marked data-warn-unsaved: warn before leaving the page with changes not yet saved
  // (uploads and document references swap their own section and never reload the page).
  var dirty = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) dirty.add(form);
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  }, true);
  window.addEventListener("beforeunload", function (event) {
    dirty.forEach(function (form) { if (!document.body.contains(form)) dirty.delete(form); });
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = dirty.values().next().value.getAttribute("data-warn-unsaved");
      return event.returnValue;
    }
  });
})();
