/* 井冈传人 search: the header box and the results page (search/?q=...), one engine.
 *
 * The index is built with the site (scripts/jinggang/website/search/): a manifest, posting
 * shards chosen by token hash and one text file per page, all scripts that call jgSearch.*,
 * so they load with <script> tags from http://, file:// and the service worker's cache.
 * A query reads the manifest, the shards of its tokens and the text of the pages shown.
 *
 * Tokens: the rules of scripts/jinggang/website/search/tokens.py, kept equal by a test.
 */
(function () {
  "use strict";

  var HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}";
  var RUN = new RegExp("([" + HAN + "]+)|([0-9a-z\u00c0-\u024f]+)", "gu");
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var HEADING_CODE = 5;
  var TITLE_CODE = 6;
  var NAME_CODE = 7;      // 7 + n: a short title or heading (a name) of n distinct tokens
  var BOX_RESULTS = 6;       // pages shown in the header box (a phone shows three or four)
  var PAGE_RESULTS = 20;     // pages shown at a time on the results page
  var SECTIONS_SHOWN = 3;    // sections listed beneath a page

  function normalize(text) { return text.normalize("NFKC").toLowerCase(); }

  function runs(text) {
    var result = [];
    var match;
    RUN.lastIndex = 0;
    var normalized = normalize(text);
    while ((match = RUN.exec(normalized)) !== null) {
      result.push(match[1] ? { run: match[1], han: true } : { run: match[2], han: false });
    }
    return result;
  }

  function tokens(text) {
    var result = [];
    runs(text).forEach(function (item) {
      var chars = Array.from(item.run);
      if (item.han && chars.length > 1) {
        for (var i = 0; i + 1 < chars.length; i++) result.push(chars[i] + chars[i + 1]);
      } else {
        result.push(item.run);
      }
    });
    return result;
  }

  function shardOf(token, shards) {
    var value = 0x811c9dc5;
    for (var char of token) {
      value ^= char.codePointAt(0);
      value = Math.imul(value, 0x01000193) >>> 0;
    }
    return value & (shards - 1);
  }

  var LETTER = {};
  for (var i = 0; i < ALPHABET.length; i++) LETTER[ALPHABET.charCodeAt(i)] = i;

  function decodeNumbers(text) {
    var numbers = [];
    var number = 0;
    var shift = 0;
    for (var i = 0; i < text.length; i++) {
      var value = LETTER[text.charCodeAt(i)];
      number += (value & 31) * Math.pow(2, shift);
      if (value & 32) { shift += 5; continue; }
      numbers.push(number);
      number = 0;
      shift = 0;
    }
    return numbers;
  }

  // ---- loading the index files ------------------------------------------------------------

  var state = { manifest: null, shards: {}, pages: {}, urls: null, pageKinds: null, pageOfSection: null,
                firstSection: null };
  var loading = {};

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL("search/" + path, siteBase()).href;
        script.async = true;
        script.onload = function () { resolve(); };
        script.onerror = function () {
          delete loading[path];
          script.remove();
          reject(new Error("search/" + path));
        };
        document.head.appendChild(script);
      });
    }
    return loading[path];
  }

  // The anchor the site's slugs give a heading, as derived_anchor (website/search/index.py)
  // gives it: the same characters dropped, spaces at the ends trimmed and the rest made -, A-Z
  // lowered.
  var ANCHOR_DROPS = "\u3000!\"#$%&'()*+,./:;<=>?@[\\]^`{|}~，。、：；！？“”‘’（）《》〈〉【】「」『』—…·～";
  function anchorOf(heading) {
    var slug = "";
    for (var character of heading.replace(/^ +| +$/g, "")) {
      if (ANCHOR_DROPS.indexOf(character) < 0) slug += character === " " ? "-" : character;
    }
    return slug.replace(/[A-Z]/g, function (letter) { return letter.toLowerCase(); });
  }

  window.jgSearch = {
    manifest: function (_, manifest) {
      var counts = decodeNumbers(manifest.sections);
      var total = counts.reduce(function (sum, count) { return sum + count; }, 0);
      var pageOfSection = new Int32Array(total);
      var firstSection = new Int32Array(counts.length);
      var section = 0;
      counts.forEach(function (count, page) {
        firstSection[page] = section;
        for (var k = 0; k < count; k++) pageOfSection[section++] = page;
      });
      state.manifest = manifest;
      state.pageKinds = decodeNumbers(manifest.pageKinds);
      state.pageOfSection = pageOfSection;
      state.firstSection = firstSection;
    },
    shard: function (number, lines) {
      var postings = {};
      lines.split("\n").forEach(function (line) {
        var space = line.indexOf(" ");
        if (space > 0) postings[line.slice(0, space)] = line.slice(space + 1);
      });
      state.shards[number] = postings;
    },
    page: function (number, record) {
      // Sections as anchor, heading, text one after the other. Left empty in the file: the first
      // section's heading (the title) and a later anchor that anchorOf gives from its heading.
      var strings = record.s;
      var sections = [];
      for (var k = 0; k < strings.length; k += 3) {
        var heading = k ? strings[k + 1] : record.t;
        sections.push([k && !strings[k] ? anchorOf(heading) : strings[k], heading, strings[k + 2]]);
      }
      record.s = sections;
      record.k = state.manifest.kinds[state.pageKinds[number]];
      state.pages[number] = record;
    },
    urls: function (_, urls) { state.urls = urls; }
  };

  function loadManifest() { return load("manifest.js").then(function () { return state.manifest; }); }

  function loadPages(ids) {
    // A page file that cannot be read (offline, not saved) leaves its result out.
    return Promise.all(ids.map(function (id) {
      return load("pages/" + id + ".js").then(function () { return true; }, function () { return false; });
    }));
  }

  // ---- ranking ----------------------------------------------------------------------------

  function parse(query) {
    var parts = normalize(query).split(/\s+/).filter(function (part) { return tokens(part).length; });
    var all = [];
    parts.forEach(function (part) {
      tokens(part).forEach(function (token) { if (all.indexOf(token) < 0) all.push(token); });
    });
    return { parts: parts, tokens: all };
  }

  // A token's postings as two arrays (section ids ascending, codes), decoded once per page view.
  var decoded = new Map();
  function postings(token) {
    var cached = decoded.get(token);
    if (cached) return cached;
    var shard = state.shards[shardOf(token, state.manifest.shards)] || {};
    var text = Object.prototype.hasOwnProperty.call(shard, token) ? shard[token] : "";
    var numbers = decodeNumbers(text);
    var sections = new Int32Array(numbers.length);
    var codes = new Uint8Array(numbers.length);
    var size = 0;
    var previous = 0;
    for (var k = 0; k < numbers.length; k++) {
      // (distance * 2 + 1, code) or distance * 2 for the token once in the body (code 0).
      previous += Math.floor(numbers[k] / 2);
      sections[size] = previous;
      codes[size++] = numbers[k] % 2 ? numbers[++k] : 0;
    }
    var list = { sections: sections.subarray(0, size), codes: codes.subarray(0, size), size: size };
    decoded.set(token, list);
    return list;
  }

  function weight(code) {
    if (code >= NAME_CODE) return 10;
    if (code === TITLE_CODE) return 8;
    if (code === HEADING_CODE) return 5;
    return 1 + Math.log(code + 1);
  }

  // Candidates hold every token of the query (in one section or across the page). Tiers, best
  // first: 4 a title or heading that is the query itself (a name, a term); 3 every token in the
  // page title or in one heading; 2 every token in one section; 1 the tokens spread over the
  // page. Within a tier, the idf-weighted score. One pass over the postings, into arrays.
  var MAX_TOKENS = 30;  // one bit per token in a page's mask
  function rank(query) {
    var lists = query.tokens.slice(0, MAX_TOKENS).map(postings);
    if (!lists.length || lists.some(function (list) { return list.size === 0; })) return [];
    var total = state.pageOfSection.length;
    var full = (1 << lists.length) - 1;
    var exactCode = NAME_CODE + lists.length;
    var pageMask = new Int32Array(state.firstSection.length);
    var present = new Uint8Array(total);
    var named = new Uint8Array(total);
    var exact = new Uint8Array(total);
    var score = new Float64Array(total);
    var touched = [];
    lists.forEach(function (list, k) {
      var idf = Math.log(1 + total / list.size);
      for (var n = 0; n < list.size; n++) {
        var section = list.sections[n];
        var code = list.codes[n];
        if (!present[section]) touched.push(section);
        present[section]++;
        if (code >= HEADING_CODE) named[section]++;
        if (code === exactCode) exact[section]++;
        score[section] += idf * weight(code);
        pageMask[state.pageOfSection[section]] |= 1 << k;
      }
    });
    var pages = new Map();
    touched.sort(function (a, b) { return a - b; });
    touched.forEach(function (section) {
      var page = state.pageOfSection[section];
      if (pageMask[page] !== full) return;
      var result = pages.get(page);
      if (!result) { result = { page: page, tier: 1, score: 0, sections: [] }; pages.set(page, result); }
      var count = lists.length;
      var tier = exact[section] === count ? 4 : named[section] === count ? 3 : present[section] === count ? 2 : 1;
      result.sections.push({ section: section, tier: tier, score: score[section] });
    });
    pages.forEach(function (result) {
      result.sections.sort(function (a, b) { return b.tier - a.tier || b.score - a.score || a.section - b.section; });
      var best = result.sections[0];
      result.tier = best.tier;
      result.score = result.sections.reduce(function (sum, item, k) {
        return sum + (k === 0 ? item.score : Math.min(item.score, best.score) * 0.15);
      }, 0);
    });
    return Array.from(pages.values()).sort(function (a, b) {
      return b.tier - a.tier || b.score - a.score || a.page - b.page;
    });
  }

  // A page whose text does not hold every part of the query as written (only its characters
  // apart) goes below every page that does.
  function holdsQuery(result, query) {
    var record = state.pages[result.page];
    var text = normalize(record.t + " " + record.s.map(function (s) { return s[1] + " " + s[2]; }).join(" "));
    return query.parts.every(function (part) { return text.indexOf(part) >= 0; });
  }

  function loadShards(query) {
    return loadManifest().then(function (manifest) {
      var shards = Array.from(new Set(query.tokens.map(function (token) { return shardOf(token, manifest.shards); })));
      return Promise.all(shards.map(function (number) { return load("shards/" + number + ".js"); }));
    });
  }

  function search(queryText, count) {
    var query = parse(queryText);
    if (!query.tokens.length) return Promise.resolve({ query: query, total: 0, results: [] });
    return loadShards(query).then(function () {
      var ranked = rank(query);
      return show(ranked, query, count).then(function (results) {
        return { query: query, total: ranked.length, results: results };
      });
    });
  }

  // The first `count` results with their page text loaded, whole-query holders first.
  function show(ranked, query, count) {
    var head = ranked.slice(0, count + 2);
    return loadPages(head.map(function (result) { return result.page; })).then(function (loaded) {
      var readable = head.filter(function (_, k) { return loaded[k]; });
      readable.forEach(function (result) { result.whole = holdsQuery(result, query); });
      readable.sort(function (a, b) {
        return (b.whole ? 1 : 0) - (a.whole ? 1 : 0) || b.tier - a.tier || b.score - a.score || a.page - b.page;
      });
      return readable.slice(0, count);
    });
  }

  // ---- snippets ---------------------------------------------------------------------------

  function matches(text, query) {
    var lower = text.toLowerCase();
    var found = [];
    function collect(needle) {
      var at = lower.indexOf(needle);
      while (needle && at >= 0) {
        found.push([at, at + needle.length]);
        at = lower.indexOf(needle, at + needle.length);
      }
    }
    query.parts.forEach(collect);
    if (!found.length) {
      // The characters apart: mark each two-character token, never one character alone.
      query.tokens.forEach(function (token) { if (Array.from(token).length > 1) collect(token); });
    }
    found.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    found.forEach(function (range) {
      var last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range.slice());
    });
    return merged;
  }

  function highlighted(text, query, element, window) {
    var ranges = matches(text, query);
    var start = 0;
    var end = text.length;
    if (window && text.length > window) {
      var first = ranges.length ? ranges[0][0] : 0;
      start = Math.max(0, Math.min(first - Math.floor(window / 4), text.length - window));
      end = start + window;
      // Never cut a match in two at either end of the passage.
      ranges.forEach(function (range) {
        if (range[0] < start && start < range[1]) start = range[0];
        if (range[0] < end && end < range[1]) end = range[1];
      });
      if (start > 0) element.appendChild(document.createTextNode("…"));
    }
    var position = start;
    ranges.forEach(function (range) {
      var from = Math.max(range[0], start);
      var to = Math.min(range[1], end);
      if (to <= from) return;
      element.appendChild(document.createTextNode(text.slice(position, from)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(from, to);
      element.appendChild(mark);
      position = to;
    });
    element.appendChild(document.createTextNode(text.slice(position, end)));
    if (end < text.length) element.appendChild(document.createTextNode("…"));
    return element;
  }

  function sectionHref(record, anchor) {
    var url = new URL(record.u, siteBase());
    if (location.protocol === "file:" && url.pathname.endsWith("/")) url.pathname += "index.html";
    if (anchor) url.hash = anchor;
    return url.href;
  }

  // ---- rendering ----------------------------------------------------------------------------

  function describe(result, query) {
    var record = state.pages[result.page];
    var first = state.firstSection[result.page];
    var sections = result.sections.slice(0, SECTIONS_SHOWN).map(function (item) {
      var section = record.s[item.section - first];
      return { anchor: section[0], heading: section[1], text: section[2], isPage: item.section === first };
    });
    return { record: record, sections: sections, query: query };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Material's result markup, so that its styles apply.
  function boxItem(result, query) {
    var info = describe(result, query);
    var item = element("li", "md-search-result__item");
    item.setAttribute("data-search-result", "");
    info.sections.forEach(function (section, k) {
      var link = element("a", "md-search-result__link");
      link.href = sectionHref(info.record, k === 0 && section.isPage ? "" : section.anchor);
      link.tabIndex = -1;
      var article = element("article", "md-search-result__article md-typeset" + (k === 0 ? " md-search-result__article--document" : ""));
      if (k === 0) {
        article.appendChild(highlighted(info.record.t, query, element("h1"), 0));
        article.appendChild(element("p", "jg-search-kind", info.record.k));
      }
      if (k > 0 || !section.isPage) {
        if (section.heading) article.appendChild(highlighted(section.heading, query, element("h2"), 0));
      }
      if (section.text) article.appendChild(highlighted(section.text, query, element("p"), 110));
      link.appendChild(article);
      item.appendChild(link);
    });
    return item;
  }

  function pageItem(result, query) {
    var info = describe(result, query);
    var item = element("li", "jg-search-result");
    item.setAttribute("data-search-result", "");
    var title = element("h2", "jg-search-result__title");
    var link = element("a");
    link.href = sectionHref(info.record, info.sections[0] && !info.sections[0].isPage ? info.sections[0].anchor : "");
    highlighted(info.record.t, query, link, 0);
    title.appendChild(link);
    item.appendChild(title);
    item.appendChild(element("p", "jg-search-result__kind", info.record.k));
    var list = element("ul", "jg-search-result__sections");
    info.sections.forEach(function (section) {
      var entry = element("li");
      if (!section.isPage && section.heading) {
        var sectionLink = element("a", "jg-search-result__section");
        sectionLink.href = sectionHref(info.record, section.anchor);
        highlighted(section.heading, query, sectionLink, 0);
        entry.appendChild(sectionLink);
      }
      if (section.text) entry.appendChild(highlighted(section.text, query, element("p"), 160));
      list.appendChild(entry);
    });
    item.appendChild(list);
    return item;
  }

  function resultsPageUrl(query) {
    var form = document.querySelector("form[data-jg-search-form]");
    var url = new URL(form ? form.getAttribute("action") : "search/", location.href);
    url.search = "?q=" + encodeURIComponent(query);
    return url.href;
  }

  // ---- the header box ---------------------------------------------------------------------

  function setupBox() {
    var form = document.querySelector("form[data-jg-search-form]");
    if (!form) return;
    var input = form.querySelector("input[name=q]");
    var toggle = document.getElementById("__search");
    var meta = document.querySelector("[data-jg-search-meta]");
    var list = document.querySelector("[data-jg-search-list]");
    var pending = 0;
    var timer = null;

    function run() {
      var text = input.value.trim();
      var ticket = ++pending;
      if (!text) { list.replaceChildren(); meta.textContent = "输入关键词，例如 井冈山、三湾改编"; return; }
      busy = true;
      search(text, BOX_RESULTS).then(function (found) {
        busy = false;
        if (ticket !== pending) return;  // a newer query is on its way
        list.replaceChildren.apply(list, found.results.map(function (result) { return boxItem(result, found.query); }));
        meta.replaceChildren();
        if (!found.total) {
          meta.textContent = found.query.tokens.length ? "没有找到“" + text + "”" : "请输入汉字、字母或数字";
          return;
        }
        meta.appendChild(document.createTextNode("找到 " + found.total + " 个页面 · "));
        var all = element("a", null, "在搜索页查看全部结果");
        all.href = resultsPageUrl(text);
        meta.appendChild(all);
      }, function () {
        busy = false;
        if (ticket === pending) meta.textContent = "搜索索引没有加载成功，请检查网络后再试。";
      });
    }

    // The first query runs at once; while one is on its way, the next waits for a pause in typing.
    var busy = false;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (busy) { timer = setTimeout(run, 30); return; }
      run();
    });
    input.addEventListener("focus", function () {
      // Material's styles show the results panel while its search toggle is on.
      if (toggle) toggle.checked = true;
      loadManifest().catch(function () {});
    });
    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target instanceof HTMLElement && (target.isContentEditable || /^(input|textarea|select)$/i.test(target.tagName));
      if (!typing && (event.key === "/" || event.key === "s" || event.key === "f") && toggle) {
        toggle.checked = true;
        input.focus();
        input.select();
        event.preventDefault();
      } else if (event.key === "Escape" && toggle && toggle.checked) {
        toggle.checked = false;
        input.blur();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && toggle && toggle.checked) {
        var links = [input].concat(Array.prototype.slice.call(list.querySelectorAll("a")));
        var at = links.indexOf(document.activeElement);
        var next = (Math.max(at, 0) + (event.key === "ArrowDown" ? 1 : links.length - 1)) % links.length;
        links[next].focus();
        event.preventDefault();
      }
    });
    if (input.value) run();
  }

  // ---- the results page ----------------------------------------------------------------------

  function setupResultsPage() {
    var page = document.querySelector("[data-jg-search-page]");
    if (!page) return;
    var input = page.querySelector("input[name=q]");
    var meta = page.querySelector("[data-jg-search-page-meta]");
    var list = page.querySelector("[data-jg-search-page-list]");
    var more = page.querySelector("[data-jg-search-more]");
    var text = (new URLSearchParams(location.search).get("q") || "").trim();
    input.value = text;
    if (!text) { meta.textContent = "输入关键词后按回车搜索。"; return; }
    document.title = text + " · 搜索 · " + document.title;
    var shown = 0;
    function showMore() {
      more.hidden = true;
      meta.textContent = "正在搜索……";
      search(text, shown + PAGE_RESULTS).then(function (found) {
        list.replaceChildren.apply(list, found.results.map(function (result) { return pageItem(result, found.query); }));
        shown = found.results.length;
        meta.textContent = found.total
          ? "“" + text + "”：找到 " + found.total + " 个页面" + (shown < found.total ? "，显示前 " + shown + " 个" : "")
          : "没有找到“" + text + "”。试试更短的词，或换一种说法。";
        more.hidden = shown >= found.total;
        page.setAttribute("data-search-done", "");
      }, function () {
        meta.textContent = "搜索索引没有加载成功，请检查网络后再试。";
        page.setAttribute("data-search-done", "");
      });
    }
    more.addEventListener("click", showMore);
    showMore();
  }

  // What "save for offline" caches besides the pages: the search files, so that search keeps
  // working offline over the saved pages (results whose page text is not saved are left out).
  window.jgSearch.offlineFiles = function (pageUrls) {
    return loadManifest().then(function (manifest) {
      return load("urls.js").then(function () {
        var base = siteBase();
        var wanted = new Set(pageUrls.map(function (url) { return new URL(url, location.href).pathname; }));
        var files = ["assets/javascripts/search.js", "search/manifest.js", "search/urls.js", "search/"];
        for (var n = 0; n < manifest.shards; n++) files.push("search/shards/" + n + ".js");
        state.urls.forEach(function (url, id) {
          if (wanted.has(new URL(url, base).pathname)) files.push("search/pages/" + id + ".js");
        });
        return files.map(function (file) { return new URL(file, base).href; });
      });
    });
  };

  // Every page that holds the query, best first, without reading page text (recall checks).
  window.jgSearch.rankedPages = function (queryText) {
    var query = parse(queryText);
    if (!query.tokens.length) return Promise.resolve([]);
    return loadShards(query).then(function () { return rank(query).map(function (result) { return result.page; }); });
  };
  // The page the header box shows first for a query, -1 for none (the benchmarks' first result).
  window.jgSearch.firstShown = function (queryText) {
    return search(queryText, BOX_RESULTS).then(function (found) {
      return found.results.length ? found.results[0].page : -1;
    });
  };
  window.jgSearch.tokens = tokens;  // for the tests that keep index and query cut alike
  window.jgSearch.anchorOf = anchorOf;
  window.jgSearch.search = search;

  function init() {
    setupBox();
    setupResultsPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
