/* 井冈传人 service worker: pages a reader has opened open again with no network.
 * Pages: network first, the cached copy when the network fails (marked, so the page can
 * say so). Assets: the cached copy first, refreshed in the background.
 * A route page's "save for offline" button sends the URLs of all its pages to cache. */
"use strict";

var CACHE = "jinggang-pages-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function fromCache(response) {
  // The badge in jinggang.js looks for this attribute on <body>.
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    return new Response(html.replace("<body", '<body data-jg-from-cache="1"'), {
      status: 200, statusText: "OK", headers: headers
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      // no-cache: revalidate with the server, so a page saved earlier by "save for offline"
      // (and so in the HTTP cache) still reports "from the cache" when the server is gone.
      fetch(request.url, { cache: "no-cache", credentials: "same-origin" }).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (cached) {
          return cached ? fromCache(cached) : new Response(
            "<!DOCTYPE html><meta charset=utf-8><title>离线</title><p>没有网络，这一页也还没有保存在本机。</p>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
      })
    );
    return;
  }
  event.respondWith(
    caches.match(request).then(function (cached) {
      var network = fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      });
      return cached || network;
    })
  );
});

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type !== "save" || !Array.isArray(message.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(message.urls.map(function (url) {
        return fetch(url).then(function (response) { if (response.ok) return cache.put(url, response); });
      }));
    }).then(function () {
      event.source.postMessage({ type: "saved", count: message.urls.length });
    }, function (error) {
      event.source.postMessage({ type: "save-failed", error: String(error) });
    })
  );
});
