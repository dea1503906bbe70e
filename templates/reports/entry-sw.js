/* The entry page's service worker (served from the site's root by reports.quarters.views.entry_service_worker,
   so that its scope covers every entry page). An entry page opened once opens again without a link:
   the worker keeps the last copy of each entry page this browser opened and the static files it
   loads; offline, the copy is served marked `data-offline-copy` (static/js/entry-form.js then says
   so, and shows what this browser keeps: typed values and queued saves). Online, pages come from
   the server as ever. Saves are never answered from here: they go to the server or wait in the
   page's queue. Logging out forgets the kept pages. */
"use strict";

var PAGES = "entry-pages-v1";
var STATIC = "entry-static-v1";
var STATIC_URL = "{{ static_url|escapejs }}";
var ENTRY_PAGE = /^\/plans\/[0-9]+\/quarters\/[0-9]+\/edit\/$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("entry-") === 0 && name !== PAGES && name !== STATIC;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function offlineCopy(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(html.replace("<html ", '<html data-offline-copy="1" '), {status: 200, headers: headers});
  });
}

function entryPage(request) {
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(new URL(request.url).pathname, copy); });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(new URL(request.url).pathname);
    }).then(function (kept) {
      return kept ? offlineCopy(kept) : Response.error();
    });
  });
}

function staticFile(request) {
  // From the network (through the browser's cache, which keeps hashed names for a year); the kept
  // copy only when that fails, so that a development server's unhashed files are never stale.
  return fetch(request).then(function (response) {
    if (keepable(response)) {
      var copy = response.clone();
      caches.open(STATIC).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.open(STATIC).then(function (cache) { return cache.match(request); }).then(function (kept) {
      return kept || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    if (url.pathname === "/accounts/logout/") {
      event.waitUntil(caches.delete(PAGES));
    }
    return;  // saves go to the server, always
  }
  if (request.mode === "navigate" && ENTRY_PAGE.test(url.pathname)) {
    event.respondWith(entryPage(request));
  } else if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("message", function (event) {
  // A page opened before this worker controlled it: keep it and its files now (once).
  var data = event.data || {};
  if (typeof data.keep !== "string" || !ENTRY_PAGE.test(data.keep)) {
    return;
  }
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return cache.match(data.keep).then(function (kept) {
      return kept || fetch(data.keep, {credentials: "same-origin"}).then(function (response) {
        return keepable(response) ? cache.put(data.keep, response) : null;
      });
    });
  }).then(function () {
    return caches.open(STATIC);
  }).then(function (cache) {
    return Promise.all((data.assets || []).filter(function (asset) {
      return new URL(asset).origin === self.location.origin && new URL(asset).pathname.indexOf(STATIC_URL) === 0;
    }).map(function (asset) {
      return cache.match(asset).then(function (kept) { return kept || cache.add(asset); });
    }));
  }).catch(function () {}));
});
