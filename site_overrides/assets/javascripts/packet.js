/* 井冈传人 自选讲义包: the 加入讲义包 buttons, the counter in the header, and the choice kept
 * in the browser (localStorage), on every page. The builder page (packets/builder/) loads
 * packet-builder.js, which arranges and prints the packet. Runs offline, no libraries.
 *
 * The choice is a list of item tokens, in order: a page path (lessons/ID, sites/ID,
 * lecturers/ID), optionally followed by the parts to print, ":lesson.handout" (the same
 * names as a packet YAML's contents: lesson, discussion, handout, site-guide, lecturer, slides). */
(function () {
  "use strict";

  var STORE = "jinggang.packet";
  var PATH = /^(lessons|sites|lecturers)\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var KIND_OF_FOLDER = { lessons: "lesson", sites: "site-guide", lecturers: "lecturer" };
  var PARTS = { lesson: ["lesson", "discussion", "handout"], "site-guide": ["site-guide", "handout"], lecturer: ["lecturer", "slides"] };
  var DEFAULT_PARTS = { lesson: ["lesson"], "site-guide": ["site-guide"], lecturer: ["lecturer"] };
  var COVER_FIELDS = ["title", "audience", "date", "occasion", "issuer"];

  function kindOf(path) { return KIND_OF_FOLDER[path.split("/")[0]]; }

  // "lessons/a:lesson.handout" -> {path, parts}; null when it names no item the builder knows.
  function parseToken(token) {
    var split = String(token).trim().split(":");
    var path = split[0].replace(/\/$/, "").replace(/\.html$/, "");
    if (!PATH.test(path)) return null;
    var allowed = PARTS[kindOf(path)];
    var parts = split.length > 1 ? split[1].split(".").filter(function (part) { return allowed.indexOf(part) >= 0; }) : [];
    // In the order they print, each once.
    parts = allowed.filter(function (part) { return parts.indexOf(part) >= 0; });
    if (kindOf(path) === "lecturer" && parts.length > 1) parts = [parts[0]];  // notes or slides only
    return { path: path, parts: parts.length ? parts : DEFAULT_PARTS[kindOf(path)].slice() };
  }

  function tokenOf(entry) {
    var defaults = DEFAULT_PARTS[kindOf(entry.path)].join(".");
    var parts = entry.parts.join(".");
    return parts === defaults ? entry.path : entry.path + ":" + parts;
  }

  function uniqueEntries(entries) {
    var seen = {};
    return entries.filter(function (entry) {
      if (!entry || seen[entry.path]) return false;
      seen[entry.path] = true;
      return true;
    });
  }

  function emptyState() { return { items: [], cover: {} }; }

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(STORE) || "null");
      if (!saved || !Array.isArray(saved.items)) return emptyState();
      return { items: uniqueEntries(saved.items.map(parseToken)), cover: saved.cover || {} };
    } catch (error) {
      return emptyState();  // storage off or a damaged entry: start empty
    }
  }

  function save(state) {
    try {
      localStorage.setItem(STORE, JSON.stringify({ items: state.items.map(tokenOf), cover: state.cover }));
    } catch (error) { /* storage off: the choice lasts as long as the page */ }
    listeners.forEach(function (listener) { listener(state); });
  }

  var listeners = [];

  // The builder's query: ?items=lessons/a,sites/b:site.handout&title=…&audience=pioneers,middle-school&…
  // Slashes, commas, colons and dots stay readable; everything else is percent-encoded.
  function encode(value) {
    return encodeURIComponent(value).replace(/%2F/gi, "/").replace(/%2C/gi, ",").replace(/%3A/gi, ":");
  }

  function toQuery(state) {
    var parts = ["items=" + state.items.map(function (entry) { return encode(tokenOf(entry)); }).join(",")];
    COVER_FIELDS.forEach(function (name) {
      var value = state.cover[name];
      if (Array.isArray(value)) value = value.join(",");
      if (value) parts.push(name + "=" + encode(value));
    });
    return "?" + parts.join("&");
  }

  function fromQuery(search) {
    var params = new URLSearchParams(search);
    if (!params.has("items")) return null;
    var items = (params.get("items") || "").split(",").filter(Boolean);
    var cover = {};
    COVER_FIELDS.forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      cover[name] = name === "audience" ? value.split(",").filter(Boolean) : value;
    });
    var entries = items.map(parseToken);
    return { items: uniqueEntries(entries), cover: cover, rejected: items.filter(function (_, index) { return !entries[index]; }) };
  }

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // Under file:// a folder URL opens a file listing, not its index.html.
  function builderUrl(state) {
    var page = location.protocol === "file:" ? "packets/builder/index.html" : "packets/builder/";
    return new URL(page, siteBase()).href + (state && state.items.length ? toQuery(state) : "");
  }

  function has(state, path) {
    return state.items.some(function (entry) { return entry.path === path; });
  }

  function showToggle(button, state) {
    var chosen = has(state, button.dataset.jgPacketItem);
    button.setAttribute("aria-pressed", String(chosen));
    button.textContent = chosen ? "已加入讲义包 ✓" : "加入讲义包";
    button.title = chosen ? "再点一次从讲义包中移出" : "加入自选讲义包，到“讲义包”页面排版打印";
  }

  function showCounter(counter, state) {
    var count = state.items.length;
    counter.querySelector("[data-jg-packet-count]").textContent = String(count);
    counter.setAttribute("aria-label", "自选讲义包：已选 " + count + " 项");
    counter.href = builderUrl(state);
    counter.hidden = false;
  }

  function init() {
    var toggles = Array.prototype.slice.call(document.querySelectorAll("[data-jg-packet-item]"));
    var counters = Array.prototype.slice.call(document.querySelectorAll("[data-jg-packet-counter]"));
    function refresh(state) {
      toggles.forEach(function (button) { showToggle(button, state); });
      counters.forEach(function (counter) { showCounter(counter, state); });
    }
    listeners.push(refresh);
    toggles.forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var state = load();
        var path = button.dataset.jgPacketItem;
        if (has(state, path)) {
          state.items = state.items.filter(function (entry) { return entry.path !== path; });
        } else {
          state.items.push(parseToken(path));
        }
        save(state);
      });
    });
    // Another tab changed the choice.
    window.addEventListener("storage", function (event) { if (event.key === STORE) refresh(load()); });
    refresh(load());
    var builder = document.querySelector("[data-jg-builder]");
    if (builder) {
      var script = document.createElement("script");
      script.src = new URL("assets/javascripts/packet-builder.js", siteBase()).href;
      document.head.appendChild(script);
    }
  }

  window.jgPacketChoice = {
    PARTS: PARTS, kindOf: kindOf, parseToken: parseToken, tokenOf: tokenOf, load: load, save: save,
    toQuery: toQuery, fromQuery: fromQuery, builderUrl: builderUrl, siteBase: siteBase
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
