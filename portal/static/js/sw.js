// Service worker: the ad-hoc log works without a network (inspections happen away from the
// office, on a phone with a weak signal). Static files come from the cache; the ad-hoc pages are
// fetched from the network when it answers (and kept), from the cache when it does not. Entries
// written offline are kept by offline.js in IndexedDB and sent when the network is back.
"use strict";
var CACHE = "cchc-v1";
var STATIC = ["/static/css/portal.css", "/static/js/portal.js", "/static/js/offline.js",
  "/static/vendor/htmx-2.0.11.min.js", "/static/favicon.svg", "/static/manifest.webmanifest",
  "/static/icons/icon-192.png"];
var OFFLINE_PAGES = ["/kiem-tra-dot-xuat/", "/kiem-tra-dot-xuat/moi"];

function keepPage(cache, url, response) {
  // only a real page of the person logged in: not a redirect to the login page, not an error
  if (response && response.ok && !response.redirected && response.type === "basic") {
    return cache.put(url, response);
  }
  return Promise.resolve();
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(STATIC).then(function () {
      return Promise.all(OFFLINE_PAGES.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (r) { return keepPage(cache, url, r); })
          .catch(function () {});
      }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    // the network first (a new version of a file shows at once), the cache when offline
    event.respondWith(fetch(request).then(function (response) {
      var copy = response.clone();  // taken now: the page is about to read the body
      if (response.ok) caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      return response;
    }).catch(function () { return caches.match(request, { ignoreSearch: true }); }));
    return;
  }
  if (url.pathname.indexOf("/kiem-tra-dot-xuat/") === 0 && request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { keepPage(cache, request.url, copy); });
      return response;
    }).catch(function () {
      return caches.match(request.url).then(function (hit) {
        return hit || caches.match(url.pathname) || caches.match("/kiem-tra-dot-xuat/") ||
          new Response("<!doctype html><html lang=vi><meta charset=utf-8><title>Mất kết nối</title>" +
            "<p>Không có mạng và trang này chưa được lưu trên máy. Hãy mở Sổ theo dõi kiểm tra đột xuất.</p>",
            { headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    }));
  }
});
