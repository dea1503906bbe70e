/* The entry page with JavaScript: nothing typed is lost when the link drops.

   - What the officer types (values, remarks) is kept in localStorage, keyed by user, report and the
     report version the page last saw, and restored after a reload, a crash or a closed tab, with a
     banner that says so and offers to discard it. A save the server confirmed clears it.
   - A save or submit goes with fetch, carrying the page's idempotency key (reports/quarters/save_keys.py).
     One the network lost (offline, a timeout, a proxy's 502/503/504) is queued in localStorage, its
     files in IndexedDB where the browser allows, and sent again with the same key when the link is
     back (the `online` event, and retries backing off): the server applies it once. Until then the
     page says "not yet saved". Files the browser could not keep: the page says they must be chosen
     again, and once the save has gone out without them, that they were not sent.
   - The service worker (entry-sw.js, at the site's root) keeps the page to open offline.

   A save with no file chosen goes URL-encoded: a multipart body costs the server several times what
   the same fields cost URL-encoded, and most saves at a deadline carry no file. Without this script
   the form goes multipart as written, and everything works as before. */
(function () {
  "use strict";
  var QUEUE_HEADER = "X-Entry-Queue";
  var TIMEOUT_MS = 30000;       // a save with no answer by then is taken as lost (and queued)
  var FILE_TIMEOUT_MS = 180000; // files over a slow link take longer
  var RETRY_MS = [2000, 5000, 10000, 30000, 60000];
  var notices = document.getElementById("entry-offline-notices");
  var texts = {};
  var form, scope, sending = false, attempt = 0, retryTimer = null, reloadTimer = null, typedAt = 0;

  function bind() {
    form = document.getElementById("entry-form");
    notices = document.getElementById("entry-offline-notices");
    var data = document.getElementById("entry-offline-texts");
    texts = data ? JSON.parse(data.textContent) : {};
    if (!form) {
      return false;
    }
    scope = "entry:" + form.dataset.user + ":" + form.dataset.plan + ":" + form.dataset.quarter;
    return true;
  }

  if (!bind()) {
    return;
  }
  var offlineCopy = document.documentElement.hasAttribute("data-offline-copy");

  // ---- storage ------------------------------------------------------------------------------
  function read(name) {
    try {
      return JSON.parse(localStorage.getItem(name));
    } catch (error) {
      return null;
    }
  }
  function write(name, value) {
    try {
      localStorage.setItem(name, JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }
  function draftNames() {
    var prefix = scope + ":draft:", names = [];
    for (var i = 0; i < localStorage.length; i += 1) {
      var name = localStorage.key(i);
      if (name && name.indexOf(prefix) === 0) {
        names.push(name);
      }
    }
    return names;
  }
  function clearDrafts() {
    draftNames().forEach(function (name) { localStorage.removeItem(name); });
  }
  function queueName() {
    return scope + ":queue";
  }

  var database = null;
  function files(mode, work) {
    // IndexedDB keeps File objects (structured clone); resolves with the request's result, or rejects.
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        reject(new Error("no IndexedDB"));
        return;
      }
      function run(db) {
        try {
          var request = work(db.transaction("files", mode).objectStore("files"));
          request.onsuccess = function () { resolve(request.result); };
          request.onerror = function () { reject(request.error); };
        } catch (error) {
          reject(error);
        }
      }
      if (database) {
        run(database);
        return;
      }
      var opening = indexedDB.open("egov-entry", 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore("files"); };
      opening.onsuccess = function () { database = opening.result; run(database); };
      opening.onerror = function () { reject(opening.error); };
    });
  }

  // ---- what is typed --------------------------------------------------------------------------
  function typedFields() {
    return form.querySelectorAll('input[name^="value_"], textarea[name^="remarks_"]');
  }
  function seenInput(name) {
    return form.querySelector('input[name="seen_' + name + '"]');
  }
  // A page the server sent back after a post that was not (wholly) saved shows what was typed as
  // its values: there every field is kept, not only those changed since the page came.
  var keepEveryField = false;
  function keepDraft() {
    var values = {}, seen = {}, any = false;
    typedFields().forEach(function (field) {
      if (field.value !== field.defaultValue || (keepEveryField && field.value !== "")) {
        values[field.name] = field.value;
        var input = seenInput(field.name);
        seen[field.name] = input ? input.value : "";
        any = true;
      }
    });
    var name = scope + ":draft:" + form.dataset.version;
    clearDrafts();
    if (any) {
      write(name, {version: form.dataset.version, values: values, seen: seen, at: Date.now()});
    }
  }
  var draftTimer = null;
  function keepDraftSoon() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () {
      draftTimer = null;
      keepDraft();
    }, 250);
  }
  function dropDraftSoon() {
    clearTimeout(draftTimer);
    draftTimer = null;
  }

  function restoreDraft() {
    var newest = null;
    draftNames().forEach(function (name) {
      var draft = read(name);
      if (draft && draft.values && (!newest || draft.at > newest.at)) {
        newest = draft;
      }
    });
    if (!newest) {
      return false;
    }
    Object.keys(newest.values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && !field.disabled) {
        field.value = newest.values[name];
        // What the page saw when this was typed: a colleague's save since then shows as a conflict.
        var input = seenInput(name);
        if (input && Object.prototype.hasOwnProperty.call(newest.seen || {}, name)) {
          input.value = newest.seen[name];
        }
      }
    });
    return String(newest.version) !== String(form.dataset.version);
  }

  // ---- notices ------------------------------------------------------------------------------
  function notice(kind, className, text, button) {
    var old = notices.querySelector('[data-notice="' + kind + '"]');
    if (old) {
      old.remove();
    }
    if (!text) {
      return;
    }
    var box = document.createElement("div");
    box.className = "alert " + className;
    box.setAttribute("role", kind === "queue" ? "alert" : "status");
    box.dataset.notice = kind;
    box.appendChild(document.createTextNode(text));
    if (button) {
      var action = document.createElement("button");
      action.type = "button";
      action.className = "btn btn-sm btn-outline-dark ms-2";
      action.textContent = button.label;
      action.addEventListener("click", button.run);
      box.appendChild(action);
    }
    notices.appendChild(box);
  }

  function discard() {
    dropDraftSoon();
    clearDrafts();
    localStorage.removeItem(queueName());
    files("readwrite", function (store) { return store.delete(scope); }).catch(function () {})
      .then(function () { location.reload(); });
  }

  function showQueued(queued) {
    if (!queued) {
      notice("queue");
      return;
    }
    var text = queued.action === "submit" ? texts.queued_submit : texts.queued;
    if (sending) {
      text = texts.sending + " " + text;
    }
    if (queued.filesLost) {
      text += " " + texts.files_again;
    } else if (queued.hasFiles) {
      text += " " + texts.files_kept;
    }
    notice("queue", "alert-warning entry-not-saved", text, {label: texts.retry, run: function () { flush(true); }});
  }

  // ---- sending ------------------------------------------------------------------------------
  function randomKey() {
    var bytes = new Uint8Array(18), key = "";
    crypto.getRandomValues(bytes);
    bytes.forEach(function (b) { key += ("0" + b.toString(16)).slice(-2); });
    return key;
  }

  function currentToken() {
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return token ? token.value : "";
  }

  function post(queued, chosen) {
    var body = chosen.length ? new FormData() : new URLSearchParams();
    queued.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    chosen.forEach(function (pair) {
      body.append(pair[0], pair[1], pair[1].name);
    });
    body.set("csrfmiddlewaretoken", currentToken());
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, chosen.length ? FILE_TIMEOUT_MS : TIMEOUT_MS);
    var headers = {};
    headers[QUEUE_HEADER] = "1";
    if (document.documentElement.lang) {
      headers["Accept-Language"] = document.documentElement.lang;  // answered in the page's language
    }
    return fetch(queued.url, {method: "POST", body: body, headers: headers, credentials: "same-origin",
                              signal: controller.signal})
      .finally(function () { clearTimeout(timer); });
  }

  function lost() {
    // The link, not the server, failed: try again later, and at once when the browser is back online.
    sending = false;
    showQueued(read(queueName()));
    clearTimeout(retryTimer);
    var wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)];
    attempt += 1;
    retryTimer = setTimeout(function () { flush(false); }, wait);
  }

  function forget() {
    localStorage.removeItem(queueName());
    return files("readwrite", function (store) { return store.delete(scope); }).catch(function () {});
  }

  function filesAgainName() {
    return scope + ":files-again";
  }

  function answered(response, queued) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === 0) {
      // Saved (or submitted): the server has it; its message waits for the page it names, and so does
      // the reminder that the files this browser could not keep were not sent with it.
      return response.json().then(function (answer) {
        dropDraftSoon();
        clearDrafts();
        if (queued.filesLost) {
          write(filesAgainName(), true);
        }
        return forget().then(function () { location.assign(answer.location); });
      });
    }
    if (response.redirected) {
      // Sent to the login page (the session ended): the save stays queued for after the login.
      sending = false;
      location.assign(response.url);
      return null;
    }
    // The server answered with the page again (wrong values, a conflict, a locked report): nothing
    // more to send; the page shows its answer, and what is typed stays kept until a save is confirmed.
    return response.text().then(function (html) {
      return forget().then(function () { showAnswer(html); });
    });
  }

  function showAnswer(html) {
    var answer = new DOMParser().parseFromString(html, "text/html");
    var main = answer.querySelector("main"), here = document.querySelector("main");
    sending = false;
    offlineCopy = false;  // the server's answer stands: no longer the worker's copy to replace
    clearTimeout(reloadTimer);
    document.documentElement.removeAttribute("data-offline-copy");
    if (!main || !here) {
      document.open();
      document.write(html);
      document.close();
      return;
    }
    here.replaceChildren.apply(here, Array.prototype.map.call(main.childNodes, function (node) {
      return document.importNode(node, true);
    }));
    if (bind()) {
      keepEveryField = true;
      keepDraft();
    }
    window.scrollTo(0, 0);
  }

  function flush(now) {
    var queued = read(queueName());
    if (!queued || sending) {
      return;
    }
    if (!navigator.onLine && !now) {
      showQueued(queued);
      return; // the `online` event sends it
    }
    clearTimeout(retryTimer);
    sending = true;
    showQueued(queued);
    var chosen = queued.hasFiles && !queued.filesLost
      ? files("readonly", function (store) { return store.get(scope); })
        .then(function (kept) { return kept && kept.key === queued.key ? kept.files : []; })
        .catch(function () { return []; })
      : Promise.resolve([]);
    chosen.then(function (list) { return post(queued, list); })
      .then(function (response) {
        if (response.status === 502 || response.status === 503 || response.status === 504) {
          lost();
          return null;
        }
        attempt = 0;
        return answered(response, queued);
      }, lost);
  }

  function queue(submitter) {
    var fields = [], chosen = [];
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.set(submitter.name, submitter.value);
    }
    // A new key for every press of the button: this save is sent with it until the server answers.
    var key = randomKey();
    data.set("save_key", key);
    data.forEach(function (value, name) {
      if (value instanceof File) {
        if (value.name) {
          chosen.push([name, value]);
        }
      } else {
        fields.push([name, value]);
      }
    });
    var queued = {key: key, url: form.getAttribute("action") || location.pathname, fields: fields,
                  action: data.get("action"), version: form.dataset.version, hasFiles: chosen.length > 0,
                  filesLost: false, at: Date.now()};
    keepDraft();
    write(queueName(), queued);
    var kept = chosen.length
      ? files("readwrite", function (store) { return store.put({key: key, files: chosen}, scope); })
        .catch(function () {
          queued.filesLost = true;
          write(queueName(), queued);
        })
      : Promise.resolve();
    return kept.then(function () {
      if (!navigator.onLine) {
        showQueued(queued);
        return;
      }
      // Online: sent at once, the files from the form itself (IndexedDB keeps them if it is lost).
      sending = true;
      showQueued(queued);
      post(queued, chosen).then(function (response) {
        if (response.status === 502 || response.status === 503 || response.status === 504) {
          lost();
          return null;
        }
        return answered(response, queued);
      }, lost);
    });
  }

  // ---- the page -----------------------------------------------------------------------------
  document.addEventListener("input", function (event) {
    if (form && form.contains(event.target)) {
      typedAt = Date.now();
      keepDraftSoon();
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target !== form || form.dataset.editable !== "1" || !window.fetch || !window.localStorage) {
      return;  // the browser posts it as written
    }
    event.preventDefault();
    if (sending) {
      return;
    }
    queue(event.submitter);
  });
  window.addEventListener("pagehide", function () {
    // Typed in the last moment before a reload or a closed tab: kept now, not a moment later.
    if (draftTimer !== null) {
      dropDraftSoon();
      keepDraft();
    }
  });
  window.addEventListener("online", function () {
    attempt = 0;
    flush(true);
    liveAgainSoon();
  });
  window.addEventListener("offline", function () {
    showQueued(read(queueName()));
  });

  // ---- an offline copy, once the link is back ---------------------------------------------------
  // The worker's copy stands in while the server cannot be reached. Once the browser is online and
  // nothing waits to be sent (a queued save, once answered, brings the live page itself), the page is
  // loaded again, so that the officer sees the server's values and its messages (a save confirmed
  // just before the link dropped again says so there). What is typed is kept as a draft first and
  // restored by the live page; a file chosen in the copy, or typing in the last seconds, holds the
  // reload off. Reloads back off (RETRY_MS, counted per tab): the browser may be online before its
  // service worker is, or the link may be up for one and down for the other.
  function reloadsName() {
    return scope + ":reloads";
  }
  function reloads(count) {
    try {
      if (count === undefined) {
        return Number(sessionStorage.getItem(reloadsName()) || 0);
      }
      if (count) {
        sessionStorage.setItem(reloadsName(), String(count));
      } else {
        sessionStorage.removeItem(reloadsName());
      }
    } catch (error) {
      return RETRY_MS.length;  // no session storage: no counted reloads either
    }
    return count;
  }
  function fileChosen() {
    return Array.prototype.some.call(form.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length > 0;
    });
  }
  function liveAgainSoon() {
    var done = reloads();
    if (!offlineCopy || !navigator.onLine || done >= RETRY_MS.length) {
      return;
    }
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(function () {
      if (!navigator.onLine || sending || read(queueName())) {
        return;  // offline again (the `online` event comes back here), or the queue brings the page
      }
      if (fileChosen() || Date.now() - typedAt < RETRY_MS[0]) {
        liveAgainSoon();
        return;
      }
      if (form.dataset.editable === "1") {
        keepDraft();
      }
      reloads(done + 1);
      location.reload();
    }, RETRY_MS[done]);
  }

  if (offlineCopy) {
    // The service worker's copy: its messages were those of an earlier visit.
    document.querySelectorAll("main > .alert").forEach(function (alert) { alert.remove(); });
    notice("offline", "alert-secondary entry-offline-copy", texts.offline_copy);
    liveAgainSoon();
  } else {
    reloads(0);
  }
  if (read(filesAgainName())) {
    if (!offlineCopy) {
      localStorage.removeItem(filesAgainName());  // said once, on the server's page
    }
    if (form.dataset.editable === "1") {
      notice("files", "alert-warning entry-files-again", texts.files_not_sent);
    }
  }
  if (form.dataset.editable === "1") {
    var stale = restoreDraft();
    if (draftNames().length) {
      notice("draft", "alert-info entry-restored", texts.restored + (stale ? " " + texts.restored_stale : ""),
             {label: texts.discard, run: discard});
    }
    if (read(queueName())) {
      flush(false);
    }
  }

  if ("serviceWorker" in navigator && form.dataset.worker) {
    navigator.serviceWorker.register(form.dataset.worker, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // Keep this page (and what it loads) for opening offline; the worker fetches it once itself.
      var assets = [];
      document.querySelectorAll('link[rel="stylesheet"][href], script[src]').forEach(function (node) {
        assets.push(node.href || node.src);
      });
      if (registration.active && !offlineCopy) {
        registration.active.postMessage({keep: location.pathname, assets: assets});
      }
    }).catch(function () {});
  }
}());
