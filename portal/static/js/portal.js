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
  document.addEventListener("htmx:sendError", function (event) {
    // the unread-count poll in the top bar runs in the background: offline, it just waits
    var elt = event.detail && event.detail.elt;
    if (elt && elt.closest && elt.closest(".notif-link")) return;
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
    // A pager link (the _macros pager with a target) was replaced with its list: the focus goes
    // to the new page's count ("Hiển thị 51–100 / …"), which a screen reader then reads.
    if (source && source.matches && source.matches("a[data-pager]")) {
      var list = document.querySelector(source.getAttribute("hx-target"));
      var where = list ? list.querySelector(".count[tabindex]") : null;
      if (where) where.focus();
      return;
    }
    // A control that opens or closes a form in place (data-focus="#id") hands the focus on: to
    // the form's first field when it opens, back to the opener when it closes.
    if (source && source.dataset && source.dataset.focus) {
      var next = document.querySelector(source.dataset.focus);
      if (next) next.focus();
      return;
    }
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

  // History panels (details.history) load their table when first opened: the panel's status
  // line says it is loading, then how many changes arrived (the table itself is not read out).
  function historyStatus(event, text) {
    var source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (!source || !source.matches || !source.matches("details.history")) return;
    var status = source.querySelector("[data-history-status]");
    var count = source.querySelector(".history-count");
    if (status) status.textContent = text || (count ? count.textContent.trim() : "");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    historyStatus(event, "Đang tải lịch sử thay đổi…");
  });
  document.addEventListener("htmx:afterSettle", function (event) { historyStatus(event); });

  // Upload progress bars: <progress data-upload-progress> inside an hx-encoding multipart form.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest("form");
    var bar = form && form.querySelector("progress[data-upload-progress]");
    if (bar && event.detail.lengthComputable) {
      bar.hidden = false;
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });

  // Date fields are text boxes typed as dd/mm/yyyy (a native date input follows the browser's
  // language: mm/dd/yyyy on an English Windows). A calendar button beside each opens the
  // browser's picker on a hidden native input, and the day picked is written back as dd/mm/yyyy.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((text || "").trim());
    return m ? m[3] + "-" + pad(+m[2]) + "-" + pad(+m[1]) : "";
  }
  var CALENDAR = '<svg aria-hidden="true" focusable="false" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/></svg>';
  function enhanceDates(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("input[data-date]").forEach(function (input) {
      if (input.getAttribute("data-date-ready")) return;
      input.setAttribute("data-date-ready", "1");
      var wrap = document.createElement("span");
      wrap.className = "date-wrap";
      input.parentNode.insertBefore(wrap, input);
      wrap.appendChild(input);
      var label = input.labels && input.labels[0] ? input.labels[0].textContent.replace("*", "").trim() : "ngày";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button date-button";
      button.setAttribute("aria-label", "Chọn trên lịch: " + label);
      button.title = "Chọn trên lịch";
      button.innerHTML = CALENDAR;
      button.disabled = input.disabled || input.readOnly;
      var native = document.createElement("input");
      native.type = "date";
      native.tabIndex = -1;
      native.className = "date-native";
      native.setAttribute("aria-hidden", "true");
      wrap.appendChild(button);
      wrap.appendChild(native);
      button.addEventListener("click", function () {
        native.value = toIso(input.value);
        try { native.showPicker(); } catch (e) { native.focus(); }
      });
      native.addEventListener("change", function () {
        var p = native.value.split("-");
        if (p.length !== 3) return;
        input.value = p[2] + "/" + p[1] + "/" + p[0];
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhanceDates(document); });
  document.addEventListener("htmx:load", function (event) { enhanceDates(event.detail.elt); });

  // Searchable checkbox lists (portal/web/checklist.py): filter as one types, without accents
  // (“nguyen” finds “Nguyễn”), Enter ticks the only match, ↓ goes to the first match.
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function visibleBoxes(list) {
    return Array.prototype.filter.call(list.querySelectorAll("li"), function (li) { return !li.hidden; })
      .map(function (li) { return li.querySelector("input[type=checkbox]"); });
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".checklist-search")) return;
    var wrap = box.closest("[data-checklist]");
    var words = fold(box.value).split(" ").filter(Boolean);
    var shown = 0;
    wrap.querySelectorAll(".checklist-items li").forEach(function (li) {
      var text = fold(li.textContent);
      li.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      if (!li.hidden) shown++;
    });
    wrap.querySelector(".checklist-none").hidden = shown > 0;
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.matches) return;
    if (el.matches(".checklist-search")) {
      var boxes = visibleBoxes(el.closest("[data-checklist]"));
      if (event.key === "Enter") {
        event.preventDefault();  // never submit the form from the filter box
        if (boxes.length === 1) boxes[0].click();
      } else if (event.key === "ArrowDown" && boxes.length) {
        event.preventDefault();
        boxes[0].focus();
      }
    } else if (el.matches(".checklist-items input[type=checkbox]") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var wrap = el.closest("[data-checklist]");
      var list = visibleBoxes(wrap);
      var i = list.indexOf(el) + (event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
      if (i < 0) wrap.querySelector(".checklist-search").focus();
      else if (i < list.length) list[i].focus();
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches(".checklist-items input[type=checkbox]")) return;
    var wrap = el.closest("[data-checklist]");
    wrap.querySelector(".checklist-count").textContent =
      "đã chọn " + wrap.querySelectorAll(".checklist-items input:checked").length;
  });

  // Phones: the side menu folds behind the "Menu" button in the top bar (shown by CSS on narrow
  // screens only; without JavaScript the menu simply stays open).
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".menu-toggle");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    document.body.classList.toggle("nav-open", open);
    if (open) {
      var first = document.querySelector("#sidenav a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !document.body.classList.contains("nav-open")) return;
    var button = document.querySelector(".menu-toggle");
    document.body.classList.remove("nav-open");
    button.setAttribute("aria-expanded", "false");
    button.focus();
  });

  // Phones: data tables turn into stacked cards (CSS, narrow screens only); each cell carries
  // its column's heading so the card still says what every value is.
  function stackTables(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var tables = scope.matches && scope.matches("table.table") ? [scope] : scope.querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("no-stack") || !table.tHead) return;
      var heads = [];
      var row = table.tHead.rows[table.tHead.rows.length - 1];
      Array.prototype.forEach.call(row.cells, function (th) {
        for (var k = 0; k < (th.colSpan || 1); k++) heads.push(th.textContent.replace(/\s+/g, " ").trim());
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (tr) {
          var col = 0;
          Array.prototype.forEach.call(tr.cells, function (cell) {
            if (heads[col] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) cell.setAttribute("data-label", heads[col]);
            col += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("stack");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { stackTables(document); });
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    stackTables(elt.closest && elt.closest("table.table") ? elt.closest("table.table") : elt);
  });

  // Evidence previews (iframe.preview-frame): Chromium's PDF viewer takes the focus once its file
  // has loaded, and the browser scrolls the page up to it. The inspector who had scrolled to the
  // review form, or was typing a comment, lost their place (and the next keys went to the PDF).
  // Focus that the person did not move into a preview themselves (pointer over it, or Tab) goes
  // back where it was, and so does the page.
  var focusedBefore = null, pointerOnPreview = false, tabbedAt = 0;
  function isPreview(elt) { return !!(elt && elt.matches && elt.matches("iframe.preview-frame")); }
  document.addEventListener("focusin", function (event) { focusedBefore = event.target; });
  document.addEventListener("pointerover", function (event) { pointerOnPreview = isPreview(event.target); }, true);
  document.addEventListener("keydown", function (event) { if (event.key === "Tab") tabbedAt = Date.now(); }, true);
  window.addEventListener("blur", function () {
    var frame = document.activeElement;
    if (!isPreview(frame) || pointerOnPreview || Date.now() - tabbedAt < 1000) return;
    var x = window.scrollX, y = window.scrollY, back = focusedBefore, done = false;
    function restore(scrolled) {
      if (done) return;
      done = true;
      window.removeEventListener("scroll", onScroll);
      if (document.activeElement !== frame) return;  // the person has moved on meanwhile
      if (back && back !== frame && back !== document.body && document.contains(back)) back.focus({ preventScroll: true });
      else { frame.blur(); window.focus(); }
      if (scrolled) window.scrollTo(x, y);
    }
    function onScroll() { restore(true); }
    window.addEventListener("scroll", onScroll);  // the browser scrolls up to the frame just after
    window.setTimeout(function () { restore(false); }, 1000);  // or not, when it was in view already
  });

  // Forms marked data-warn-unsaved: warn before leaving the page with changes not yet saved
  // (uploads and document references swap their own section and never reload the page).
  var dirty = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) {
      dirty.add(form);
      form._edits = (form._edits || 0) + 1;
    }
  });
  document.addEventListener("submit", function (event) {
    dirty.delete(event.target);
  }, true);

  // Forms marked data-autosave post themselves (htmx, hx-trigger on the form) as the author types;
  // their buttons stay plain posts. The two never race on the record's version: once the form is
  // being submitted no autosave starts, and one in flight is waited for (its reply carries the
  // version the submission must send). After a refusal (409: someone else saved, or the report was
  // sent meanwhile) autosave stops and the message stays in the status region.
  function autosaving(elt) { return elt && elt.hasAttribute && elt.hasAttribute("data-autosave"); }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!autosaving(form)) return;
    form.setAttribute("data-submitting", "1");
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      var submitter = event.submitter;
      form.addEventListener("htmx:afterRequest", function () {
        if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        else form.submit();
      }, { once: true });
    }
  }, true);
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (f) { f.removeAttribute("data-submitting"); });
  });
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (autosaving(form) && (form.hasAttribute("data-submitting") || form.hasAttribute("data-autosave-stopped"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (autosaving(form)) form._editsSent = form._edits || 0;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!autosaving(form)) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 200 && (form._edits || 0) === form._editsSent) dirty.delete(form);  // all typed is saved
    if (status === 409) form.setAttribute("data-autosave-stopped", "1");
  });
  window.addEventListener("beforeunload", function (event) {
    dirty.forEach(function (form) { if (!document.body.contains(form)) dirty.delete(form); });
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = dirty.values().next().value.getAttribute("data-warn-unsaved");
      return event.returnValue;
    }
  });
})();
