// Offline ad-hoc log, on the phone's side. The service worker (sw.js) keeps the pages; this file
// keeps entries written without a network in IndexedDB (photos included), shows them as
// "chưa đồng bộ", and sends each one when the network is back — exactly once, because each
// carries a random id the server stores with the entry and recognises if it comes again.
(function () {
  "use strict";
  if ("serviceWorker" in navigator && document.body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(document.body.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
  }
  // Logging out forgets the pages kept for this person.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute && event.target.getAttribute("action") || "";
    if (/\/dang-xuat$/.test(action) && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
    }
  });

  var STORE = "adhoc-outbox";
  if (!window.indexedDB) return;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("cchc-offline", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function allItems() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function putItem(item) { return withStore("readwrite", function (s) { return s.put(item); }); }
  function dropItem(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }

  function uuid() {  // crypto.randomUUID needs a secure context; the office LAN may be plain http
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function outbox() { return document.getElementById("offline-outbox"); }
  function field(item, name) {
    var hit = item.fields.filter(function (f) { return f[0] === name; })[0];
    return hit && typeof hit[1] === "string" ? hit[1] : "";
  }
  function say(text) {
    var box = outbox();
    if (!box) return;
    box.querySelector("#outbox-status").textContent = text;
    if (text) box.hidden = false;
  }

  function render() {
    var box = outbox();
    if (!box) return Promise.resolve();
    return allItems().then(function (items) {
      items = items.filter(function (i) { return i.user === box.getAttribute("data-user"); });
      var list = box.querySelector(".outbox-list");
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "outbox-item";
        li.setAttribute("data-id", item.id);
        var title = document.createElement("strong");
        title.textContent = field(item, "subject") || "(chưa ghi nội dung kiểm tra)";
        var meta = document.createElement("span");
        var photos = item.fields.filter(function (f) { return typeof f[1] !== "string"; }).length;
        meta.className = "muted";
        meta.textContent = " — ngày " + (field(item, "inspected_on") || "?") + (photos ? " · " + photos + " ảnh" : "") + " ";
        var badge = document.createElement("span");
        badge.className = item.state === "refused" ? "badge bad" : "badge warn";
        badge.textContent = item.state === "refused" ? "bị từ chối" : "chưa đồng bộ";
        li.append(title, meta, badge);
        if (item.message) {
          var why = document.createElement("p");
          why.className = "error";
          why.textContent = item.message;
          li.append(why);
        }
        var actions = document.createElement("span");
        actions.className = "actions";
        if (item.state === "refused") {
          var retry = document.createElement("button");
          retry.type = "button"; retry.className = "button small"; retry.textContent = "Gửi lại";
          retry.setAttribute("data-outbox-retry", item.id);
          actions.append(retry);
        }
        var drop = document.createElement("button");
        drop.type = "button"; drop.className = "button small danger"; drop.textContent = "Xóa khỏi máy";
        drop.setAttribute("data-outbox-drop", item.id);
        actions.append(drop);
        li.append(actions);
        list.append(li);
      });
      box.hidden = items.length === 0 && !box.querySelector("#outbox-status").textContent;
    });
  }

  // Written without a network: keep it on the device instead of letting the browser fail.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline-form]") || navigator.onLine || !outbox()) return;
    event.preventDefault();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || (typeof value !== "string" && !value.name)) return;
      fields.push([name, value]);
    });
    var item = { id: uuid(), user: outbox().getAttribute("data-user"), fields: fields, state: "pending",
                 message: "", savedAt: new Date().toISOString() };
    putItem(item).then(function () {
      form.reset();
      say("Đã lưu mục ghi trên máy này (chưa đồng bộ). Mục ghi sẽ tự gửi lên khi có mạng trở lại.");
      return render();
    }).then(function () { outbox().scrollIntoView(); }).catch(function () {
      say("Không lưu được trên máy này (bộ nhớ trình duyệt bị chặn hoặc đã đầy).");
    });
  });

  document.addEventListener("click", function (event) {
    var retry = event.target.closest("[data-outbox-retry]");
    var drop = event.target.closest("[data-outbox-drop]");
    if (retry) {
      allItems().then(function (items) {
        var item = items.filter(function (i) { return i.id === retry.getAttribute("data-outbox-retry"); })[0];
        if (!item) return;
        item.state = "pending"; item.message = "";
        return putItem(item).then(sync);
      });
    } else if (drop && window.confirm("Xóa mục ghi này khỏi máy? Mục ghi chưa được gửi lên sẽ mất.")) {
      dropItem(drop.getAttribute("data-outbox-drop")).then(render);
    }
  });

  var syncing = false;
  function send(item, token, url) {
    var data = new FormData();
    item.fields.forEach(function (f) { data.append(f[0], f[1]); });
    data.append("client_id", item.id);
    data.append("csrf_token", token);
    return fetch(url, { method: "POST", body: data, credentials: "same-origin", redirect: "manual",
                        headers: { "Accept": "application/json", "X-CSRFToken": token } })
      .then(function (r) {
        if (r.type === "opaqueredirect") throw { session: true };
        if (r.status === 200 || r.status === 201) {
          return r.json().then(function (answer) { return dropItem(item.id).then(function () { return answer; }); });
        }
        return r.json().catch(function () { return { message: "Máy chủ từ chối mục ghi (mã " + r.status + ")." }; })
          .then(function (answer) {
            var details = Object.keys(answer.errors || {}).map(function (k) { return answer.errors[k]; });
            item.state = "refused";
            item.message = [answer.message].concat(details).join(" ");
            return putItem(item).then(function () { return null; });
          });
      });
  }
  function sync() {
    var box = outbox();
    if (!box || syncing || !navigator.onLine) return Promise.resolve();
    var url = box.getAttribute("data-sync-url");
    return allItems().then(function (items) {
      items = items.filter(function (i) { return i.user === box.getAttribute("data-user") && i.state === "pending"; });
      if (!items.length) return;
      syncing = true;
      say("Đang đồng bộ " + items.length + " mục ghi…");
      var sent = 0;
      // A fresh token first: it proves the session is still valid before anything is sent.
      return fetch(url, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (r.type === "opaqueredirect" || !r.ok) throw { session: true };
          return r.json();
        })
        .then(function (token) {
          return items.reduce(function (chain, item) {
            return chain.then(function () { return send(item, token.csrf_token, url); })
              .then(function (answer) { if (answer) sent++; });
          }, Promise.resolve());
        })
        .then(function () {
          say(sent ? "Đã đồng bộ " + sent + " mục ghi vào sổ theo dõi." : "Có mục ghi bị từ chối, xem lý do bên dưới.");
        }, function (problem) {
          say(problem && problem.session
            ? "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại để gửi các mục ghi còn trên máy."
            : "Chưa gửi được (mạng chập chờn); sẽ thử lại khi có mạng.");
        });
    }).then(function () { syncing = false; return render(); }, function () { syncing = false; });
  }

  window.addEventListener("online", sync);
  document.addEventListener("DOMContentLoaded", function () { render().then(sync); });
})();
