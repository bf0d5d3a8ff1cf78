/* 井冈传人 service worker: pages a reader has opened open again with no network.
 * Pages: network first, the cached copy when the network fails (marked, so the page can
 * say so). Assets: the cached copy when this build has the same file, else network first.
 * A route page's "save for offline" button sends the URLs of all its pages to cache. */
"use strict";

// ---- Versioned cache (one per build) ----------------------------------------------------
// The build replaces the next line (scripts/jinggang/website/service_worker.py): the version is a
// hash of the built files, assets maps each asset's path (from the site root) to its hash.
// A new version is a new worker: on activation it moves what the reader saved into its own
// cache, drops downloads over the cap, and deletes the older caches.
var BUILD = {"assets":{},"version":"dev"};
var CACHE_PREFIX = "jinggang-";
var CACHE = CACHE_PREFIX + BUILD.version;
var HASH_HEADER = "X-Jinggang-Build-Hash";  // the asset's hash when it was cached
var DOWNLOAD_CAP = 3 * 1024 * 1024;  // PDFs and zips larger than this are never kept
var NEVER_CACHED = /^downloads\/offline\//;  // the whole site zip (6 MB): a download, not a page's need
var SCOPE_PATH = new URL("./", self.location.href).pathname;

function sitePath(url) {
  var path = new URL(url, self.location.href).pathname;
  if (path.indexOf(SCOPE_PATH) !== 0) return null;
  try { return decodeURIComponent(path.slice(SCOPE_PATH.length)); } catch (error) { return null; }
}

function isDownload(path) {
  return /\.(pdf|zip)$/i.test(path) || path.indexOf("downloads/") === 0;
}

function responseSize(response) {
  var length = Number(response.headers.get("Content-Length"));
  if (length > 0) return Promise.resolve(length);
  return response.clone().blob().then(function (blob) { return blob.size; });
}

// Whether a response for this path may be kept: downloads only up to the cap, never the site zip.
function mayKeep(path, response) {
  if (path === null || NEVER_CACHED.test(path)) return Promise.resolve(false);
  if (!isDownload(path)) return Promise.resolve(true);
  return responseSize(response).then(function (size) { return size <= DOWNLOAD_CAP; });
}

// Put a response into this build's cache, stamped with the asset's hash in this build.
function store(request, response) {
  var url = typeof request === "string" ? request : request.url;
  var path = sitePath(url);
  return mayKeep(path, response).then(function (keep) {
    if (!keep) return undefined;
    return response.blob().then(function (body) {
      var headers = new Headers(response.headers);
      headers.set(HASH_HEADER, BUILD.assets[path] || "");
      return caches.open(CACHE).then(function (cache) {
        return cache.put(request, new Response(body, {
          status: response.status, statusText: response.statusText, headers: headers
        }));
      });
    });
  }).catch(function () { /* a full or unavailable cache: the page still works online */ });
}

// An older cache's entries move into this build's (keeping their old hash, so a changed asset
// is fetched network-first); over-cap downloads and the site zip are dropped; the cache goes.
function adoptOldCaches() {
  return caches.keys().then(function (names) {
    var old = names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0 && name !== CACHE; });
    return caches.open(CACHE).then(function (current) {
      return Promise.all(old.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return current.match(request).then(function (already) {
                if (already) return undefined;
                return cache.match(request).then(function (response) {
                  if (!response) return undefined;
                  return mayKeep(sitePath(request.url), response).then(function (keep) {
                    if (keep) return current.put(request, response);
                  });
                });
              });
            }));
          });
        }).then(function () { return caches.delete(name); });
      }));
    });
  });
}

self.addEventListener("activate", function (event) { event.waitUntil(adoptOldCaches()); });

// Assets: the cached copy when it is this build's file; otherwise the network, and the cached
// copy (of an older build) only when there is no network.
function asset(request) {
  var path = sitePath(request.url);
  var wanted = path === null ? undefined : BUILD.assets[path];
  return caches.open(CACHE).then(function (cache) { return cache.match(request); }).then(function (cached) {
    if (cached && wanted && cached.headers.get(HASH_HEADER) === wanted) return cached;
    // A file of this build: revalidate, or the browser's HTTP cache may hand back the old one.
    return fetch(wanted ? new Request(request, { cache: "no-cache" }) : request).then(function (response) {
      if (response.ok) store(request, response.clone());
      return response;
    }, function (error) {
      if (cached) return cached;
      throw error;
    });
  });
}
// ---- end of the versioned cache ---------------------------------------------------------

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

// No network and no saved copy: a page in Chinese listing the pages saved on this device.
// Titles come from the saved pages' <title>, which the site writes HTML-escaped.
var OFFLINE_STYLE = "body{margin:0;font:16px/1.7 system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;" +
  "color:#222;background:#fafafa}header{background:#b71c1c;color:#fff;padding:.8rem 1rem;font-weight:700}" +
  "main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.5rem 0}" +
  "ul{padding-left:1.2rem}li{margin:.4rem 0}a{color:#b71c1c}" +
  "@media (prefers-color-scheme:dark){body{background:#1e2129;color:#e6e6e6}a{color:#ef9a9a}}";

function offlinePage() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var pages = requests.filter(function (saved) { return /(\/|\.html)$/.test(new URL(saved.url).pathname); });
      return Promise.all(pages.map(function (saved) {
        return cache.match(saved).then(function (response) { return response.text(); }).then(function (html) {
          var title = (/<title>([^<]*)<\/title>/.exec(html) || [])[1] || new URL(saved.url).pathname;
          return { url: saved.url, title: title.replace(/ - 井冈传人$/, "") };
        });
      }));
    });
  }).catch(function () { return []; }).then(function (saved) {
    saved.sort(function (a, b) { return a.title.localeCompare(b.title, "zh-CN"); });
    var list = saved.map(function (page) {
      return '<li><a href="' + page.url.replace(/"/g, "&quot;") + '">' + page.title + "</a></li>";
    }).join("");
    var html = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><title>离线 - 井冈传人</title>' +
      "<style>" + OFFLINE_STYLE + "</style></head><body><header>井冈传人</header><main data-jg-offline-page>" +
      "<h1>没有网络，这一页还没有保存在本机</h1><p>联网后再打开这一页。现在可以读已经保存在本机的页面：</p>" +
      (list ? "<ul>" + list + "</ul>" : "<p>本机还没有保存任何页面。下次联网时打开想读的页面，或在研学路线页上点“保存到本机，离线查看”。</p>") +
      "</main></body></html>";
    return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
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
          store(request, copy);
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true }).then(function (cached) {
          return cached ? fromCache(cached) : offlinePage();
        });
      })
    );
    return;
  }
  if (NEVER_CACHED.test(sitePath(request.url) || "")) return;  // straight to the network
  event.respondWith(asset(request));
});

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type !== "save" || !Array.isArray(message.urls)) return;
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(message.urls.map(function (url) {
        return fetch(url).then(function (response) { if (response.ok) return store(url, response); });
      }));
    }).then(function () {
      event.source.postMessage({ type: "saved", count: message.urls.length });
    }, function (error) {
      event.source.postMessage({ type: "save-failed", error: String(error) });
    })
  );
});
