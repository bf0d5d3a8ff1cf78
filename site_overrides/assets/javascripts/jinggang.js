/* 井冈传人: catalog filters and the lecturer/learner switch. Runs offline, no libraries. */
(function () {
  "use strict";

  function setupCatalog(catalog) {
    var form = catalog.querySelector(".jg-filters");
    var items = Array.prototype.slice.call(catalog.querySelectorAll(".jg-catalog__item"));
    var count = catalog.querySelector("[data-jg-count]");
    var empty = catalog.querySelector("[data-jg-empty]");

    function checked(name) {
      return Array.prototype.slice
        .call(form.querySelectorAll('input[name="' + name + '"]:checked'))
        .map(function (input) { return input.value; })
        .filter(Boolean);
    }

    function apply() {
      var audiences = checked("audience");
      var themes = checked("themes");
      var band = checked("duration")[0];
      var range = band ? band.split("-").map(Number) : null;
      var shown = 0;
      items.forEach(function (item) {
        var itemAudiences = item.dataset.audience.split(" ");
        var itemThemes = item.dataset.themes.split(" ");
        var minutes = Number(item.dataset.duration);
        var visible =
          (!audiences.length || audiences.some(function (a) { return itemAudiences.indexOf(a) >= 0; })) &&
          (!themes.length || themes.some(function (t) { return itemThemes.indexOf(t) >= 0; })) &&
          (!range || (minutes >= range[0] && minutes <= range[1]));
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = String(shown);
      empty.hidden = shown > 0;
      var params = new URLSearchParams();
      audiences.forEach(function (a) { params.append("audience", a); });
      themes.forEach(function (t) { params.append("themes", t); });
      if (band) params.set("duration", band);
      var query = params.toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }

    // Filters can be shared as links: ?audience=pioneers&themes=party-history
    var initial = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && initial.getAll(input.name).indexOf(input.value) >= 0) input.checked = true;
    });
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    apply();
  }

  function setupViewSwitch(buttons) {
    var key = "jinggang.lecturerView";
    function show(view) {
      document.body.setAttribute("data-jg-view", view);
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.jgView === view));
      });
      try { localStorage.setItem(key, view); } catch (error) { /* storage off: still switch */ }
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () { show(button.dataset.jgView); });
    });
    var saved = null;
    try { saved = localStorage.getItem(key); } catch (error) { saved = null; }
    show(saved === "learner" ? "learner" : "lecturer");
  }

  // Whether a guide's visitor information is stale depends on the reader's day, not the
  // build's: decided here, so a page built once stays right.
  function markStale(box) {
    var verified = new Date(box.dataset.jgVerified + "T00:00:00");
    var maxAge = Number(box.dataset.jgMaxAge);
    var ageDays = (Date.now() - verified.getTime()) / 86400000;
    var notice = box.querySelector(".jg-stale");
    if (notice) notice.hidden = !(ageDays > maxAge);
    if (ageDays > maxAge) box.classList.add("jg-visitor--stale");
  }

  // Under file:// a folder URL opens a file listing, not its index.html.
  function pageUrl(url) {
    if (location.protocol !== "file:") return url;
    return url.replace(/\/(#|$)/, "/index.html$1");
  }

  // Today's month and day as readings.js keys them (the reader's clock, not the build's).
  function todayKey() {
    var today = new Date();
    return ("0" + (today.getMonth() + 1)).slice(-2) + "-" + ("0" + today.getDate()).slice(-2);
  }

  function siteLink(url) {
    return pageUrl(new URL(url || ".", siteBase()).href);
  }

  // A day with anniversaries reads every one of them, oldest first (历史上的今天：1930年10月4日，……);
  // any other day reads its lesson of the rotation.
  function showTodaysReading(box) {
    var readings = window.JINGGANG_READINGS;
    if (!readings) return;
    var key = todayKey();
    var reading = readings[key];
    if (!reading) return;
    var link = box.querySelector("[data-jg-today-link]");
    var summary = box.querySelector("[data-jg-today-summary]");
    summary.textContent = "";
    if (reading.kind === "event") {
      box.querySelector("[data-jg-today-date]").textContent = reading.label + " · 历史上的今天";
      link.textContent = reading.events.map(function (event) { return event.name; }).join("、");
      link.setAttribute("href", siteLink(reading.events[0].url));
      reading.events.forEach(function (event) {
        var line = document.createElement("p");
        var when = document.createElement("a");
        when.textContent = event.date;
        when.setAttribute("href", siteLink(event.url));
        line.appendChild(document.createTextNode("历史上的今天："));
        line.appendChild(when);
        line.appendChild(document.createTextNode("，" + event.summary));
        summary.appendChild(line);
      });
    } else {
      box.querySelector("[data-jg-today-date]").textContent = reading.label;
      link.textContent = reading.title;
      link.setAttribute("href", siteLink(reading.url));
      var text = document.createElement("p");
      text.textContent = reading.summary;
      summary.appendChild(text);
    }
    box.classList.toggle("jg-today--event", reading.kind === "event");
    box.hidden = false;
    box.dataset.jgTodayKey = key;
  }

  // The year's readings (a generated script) load only where a page shows one: pages hold no script.
  function showReadings(boxes) {
    if (!boxes.length) return;
    if (window.JINGGANG_READINGS) { boxes.forEach(showTodaysReading); return; }
    var script = document.createElement("script");
    script.src = new URL("assets/javascripts/readings.js", siteBase()).href;
    script.onload = function () { boxes.forEach(showTodaysReading); };
    document.head.appendChild(script);
  }

  // The reading calendar: today's month open and its row marked; the box above the months
  // shows today's reading (showTodaysReading). A month opens when its link in the month list
  // is followed.
  function showTodayInCalendar(calendar) {
    var key = todayKey();
    Array.prototype.forEach.call(calendar.querySelectorAll(".jg-grouped__jump a"), function (jump) {
      jump.addEventListener("click", function () {
        var month = document.getElementById(jump.getAttribute("href").slice(1));
        if (month) month.open = true;
      });
    });
    var row = calendar.querySelector('[data-jg-day="' + key + '"]');
    if (!row) return;
    row.classList.add("jg-reading--today");
    row.setAttribute("aria-current", "date");
    row.closest("details").open = true;
    calendar.dataset.jgTodayKey = key;
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // Phones at the sites: a service worker keeps the pages a reader opened. Not under
  // file://, where browsers allow none (the offline zip serves that case).
  function setupOfflineCache() {
    if (document.body.dataset.jgFromCache) {
      var badge = document.createElement("p");
      badge.className = "jg-offline-badge";
      badge.setAttribute("role", "status");
      badge.textContent = "离线：这是保存在本机的页面，联网后会自动更新。";
      document.body.insertBefore(badge, document.body.firstChild);
    }
    if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register(new URL("sw.js", siteBase()).href).catch(function () { /* optional */ });
    var button = document.querySelector("[data-jg-save-offline]");
    if (!button) return;
    var status = document.querySelector("[data-jg-save-status]");
    button.addEventListener("click", function () {
      var pages = button.dataset.jgUrls.split(/\s+/).filter(Boolean).map(function (url) {
        return new URL(url, location.href).href;
      });
      status.textContent = "正在保存……";
      // The search files too (search.js), so that search works offline over the saved pages.
      var search = window.jgSearch && window.jgSearch.offlineFiles
        ? window.jgSearch.offlineFiles(pages).catch(function () { return []; }) : Promise.resolve([]);
      Promise.all([navigator.serviceWorker.ready, search]).then(function (ready) {
        var registration = ready[0];
        var urls = pages.concat(ready[1]);
        status.textContent = "正在保存 " + urls.length + " 个文件……";
        navigator.serviceWorker.addEventListener("message", function (event) {
          if (event.data.type === "saved") status.textContent = "已保存 " + event.data.count + " 个文件，没有网络时也能打开。";
          if (event.data.type === "save-failed") status.textContent = "保存失败：" + event.data.error;
        });
        registration.active.postMessage({ type: "save", urls: urls });
      });
    });
  }

  function init() {
    setupOfflineCache();
    showReadings(Array.prototype.slice.call(document.querySelectorAll("[data-jg-today]")));
    Array.prototype.forEach.call(document.querySelectorAll("[data-jg-reading-calendar]"), showTodayInCalendar);
    Array.prototype.forEach.call(document.querySelectorAll("[data-jg-verified]"), markStale);
    Array.prototype.forEach.call(document.querySelectorAll("[data-jg-catalog]"), setupCatalog);
    var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-jg-view]"));
    if (buttons.length) setupViewSwitch(buttons);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
