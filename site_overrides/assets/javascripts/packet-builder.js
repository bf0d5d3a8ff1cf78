/* 井冈传人 packet builder (packets/builder/): arrange the chosen items, fill in the cover, print.
 *
 * Each item's parts were rendered at build time with the PDFs' own templates
 * (site_overrides/jinggang/packet/parts.html) into packets/builder/items/<path>.js, loaded
 * here with <script> (works from file://). This script puts them in order after the cover and
 * contents, fills in what depends on the whole packet (numbers, audience, edition, review
 * status, running header), waits for the print fonts, fits the worksheets (print/fit.html),
 * and numbers the contents from a layout of the packet in page-sized columns: the engine that
 * breaks printed pages breaks these columns alike (as outputs/printer.py predicts the PDFs'
 * numbers). Then <html> gets data-packet-ready, and printing gives the packet.
 *
 * The state is in the URL (?items=…&title=…, see packet.js) and in localStorage. */
(function () {
  "use strict";

  var choice = window.jgPacketChoice;
  var builder = document.querySelector("[data-jg-builder]");
  var host = document.querySelector("[data-jg-packet-host]");
  if (!choice || !builder || !host) return;
  var packet = host.querySelector("[data-jg-packet]");
  var toc = packet.querySelector("[data-jg-toc]");
  var root = document.documentElement;
  var limits = JSON.parse(builder.dataset.jgLimits);
  var units = JSON.parse(builder.dataset.jgUnits);
  var audiences = JSON.parse(builder.dataset.jgAudiences);
  var PENDING_MARK = builder.dataset.jgPendingMark;
  var DEFAULT_TITLE = "自选讲义包";
  var KIND_LABELS = { lesson: "微团课", "site-guide": "研学指南", lecturer: "讲师资料" };
  var PART_LABELS = {
    lesson: "微团课全文（含讨论题）", discussion: "讨论题（单独一页）", handout: "学生活页",
    "site-guide": "研学指南", lecturer: "含讲稿", slides: "仅幻灯片"
  };
  var PRINT_TEXT = "第页共 0123456789/";
  var FAMILIES = ["Noto Sans SC", "Noto Serif SC"];

  var records = {};
  var catalog = null;
  window.jgPacket = {
    item: function (record) { records[record.path] = record; },
    catalog: function (entries) { catalog = entries; }
  };

  var base = choice.siteBase();
  var scripts = {};
  function loadScript(path) {
    if (!scripts[path]) {
      scripts[path] = new Promise(function (resolve) {
        var script = document.createElement("script");
        script.src = new URL(path, base).href;
        script.onload = function () { resolve(true); };
        script.onerror = function () { delete scripts[path]; script.remove(); resolve(false); };
        document.head.appendChild(script);
      });
    }
    return scripts[path];
  }

  var failed = {};  // items whose script did not load: deleted, renamed, or not saved offline
  function loadItem(path) {
    if (records[path]) return Promise.resolve(records[path]);
    return loadScript("packets/builder/items/" + path + ".js").then(function () {
      failed[path] = !records[path];
      return records[path] || null;
    });
  }

  function loadStyle(path) {
    return new Promise(function (resolve) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL(path, base).href;
      link.onload = link.onerror = function () { resolve(); };
      document.head.appendChild(link);
    });
  }

  // ---- state ---------------------------------------------------------------------------------

  var fromUrl = choice.fromQuery(location.search);
  var state = fromUrl ? { items: fromUrl.items, cover: fromUrl.cover } : choice.load();
  var rejected = fromUrl ? fromUrl.rejected : [];
  var generation = 0;
  var lastPages = 0;

  function persist() {
    history.replaceState(history.state, "", choice.toQuery(state) + location.hash);
    choice.save(state);
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function setStatus(text) { builder.querySelector("[data-jg-builder-status]").textContent = text; }

  function enablePrint(enabled) {
    ["[data-jg-builder-print]", "[data-jg-builder-preview]"].forEach(function (selector) {
      builder.querySelector(selector).disabled = !enabled;
    });
  }

  // ---- the packet ----------------------------------------------------------------------------

  // Main parts in the items' order, then every worksheet, so that the sheets to copy come together.
  function sectionsOf(items) {
    var main = [];
    var sheets = [];
    items.forEach(function (entry) {
      var record = records[entry.path];
      if (!record) return;
      entry.parts.forEach(function (part) {
        if (record.parts[part]) (part === "handout" ? sheets : main).push({ part: part, record: record });
      });
    });
    return main.concat(sheets);
  }

  function uniqueRecords(sections) {
    var seen = {};
    return sections.map(function (section) { return section.record; }).filter(function (record) {
      if (seen[record.id]) return false;
      seen[record.id] = true;
      return true;
    });
  }

  function dateLabel(day) {
    var parts = day.split("-").map(Number);
    return parts[0] + "年" + parts[1] + "月" + parts[2] + "日";
  }

  function unitLabel(slugs) {
    var found = [];
    slugs.forEach(function (slug) {
      var unit = units[slug] || "班级";
      if (found.indexOf(unit) < 0) found.push(unit);
    });
    return found.length ? found.join("／") : "班级";
  }

  function coverValue(name, text) {
    var value = packet.querySelector('[data-cover="' + name + '"]');
    value.textContent = text;
    var hide = !text;
    value.hidden = hide;
    if (value.tagName === "DD") value.previousElementSibling.hidden = hide;
  }

  // The cover's review statement, as print/review.html's review_cover writes it.
  function reviewStatement(all) {
    var waiting = all.filter(function (record) { return record.status !== "published"; });
    var box = packet.querySelector('[data-cover="review"]');
    box.textContent = "";
    if (waiting.length) {
      var caveat = el("div", { "class": "review-caveat", role: "note" });
      caveat.appendChild(el("strong", {}, PENDING_MARK));
      caveat.appendChild(document.createTextNode("本讲义包收录的 " + all.length + " 项内容中，" + waiting.length + " 项尚在审核"));
      var named = waiting.slice(0, 3);
      named.forEach(function (record, index) {
        if (index) caveat.appendChild(document.createTextNode("、"));
        var last = index === named.length - 1 && waiting.length <= 3;
        caveat.appendChild(el("span", { "class": "nowrap" }, (index ? "" : "（") + "《" + record.title + "》" + (last ? "）" : "")));
      });
      caveat.appendChild(document.createTextNode((waiting.length > 3 ? "等）" : "") +
        "，史实、引文和参观信息可能仍有错漏。请只作试用，勿作为正式教材印发；审核通过后以新版为准。"));
      box.appendChild(caveat);
      return true;
    }
    var reviewers = [];
    var dates = [];
    all.forEach(function (record) {
      if (record.reviewed_by && reviewers.indexOf(record.reviewed_by) < 0) reviewers.push(record.reviewed_by);
      if (record.reviewed_on) dates.push(record.reviewed_on);
    });
    dates.sort();
    box.appendChild(el("p", { "class": "review-ok" }, "全部内容已审核" + (reviewers.length ? "：" + reviewers.join("、") : "") +
      (dates.length ? "（" + dates[dates.length - 1] + "）" : "")));
    return false;
  }

  function title() { return (state.cover.title || "").trim() || DEFAULT_TITLE; }

  function fillCover(sections) {
    var all = uniqueRecords(sections);
    var counted = { lesson: {}, lecturer: {}, site: {} };
    var minutes = 0;
    var timed = {};
    sections.forEach(function (section) {
      var as = { lesson: "lesson", lecturer: "lecturer", slides: "lecturer", "site-guide": "site" }[section.part];
      if (as) counted[as][section.record.id] = true;
      if (/^(lesson|lecturer|slides)$/.test(section.part) && !timed[section.record.id]) {
        timed[section.record.id] = true;
        minutes += section.record.minutes;
      }
    });
    var count = function (kind) { return Object.keys(counted[kind]).length; };
    var edition = all.map(function (record) { return record.updated; }).sort().pop() || "";
    var chosen = (state.cover.audience || []).filter(function (slug) { return audiences[slug]; });
    coverValue("title", title());
    coverValue("audience", chosen.map(function (slug) { return audiences[slug]; }).join("、"));
    coverValue("date", /^\d{4}-\d{2}-\d{2}$/.test(state.cover.date || "") ? dateLabel(state.cover.date) : "");
    coverValue("occasion", (state.cover.occasion || "").trim());
    coverValue("total", minutes + " 分钟（微团课 " + count("lesson") + " 节、讲师资料 " + count("lecturer") + " 份" +
      (count("site") ? "、研学指南 " + count("site") + " 处" : "") + "）");
    coverValue("edition", edition ? dateLabel(edition) : "");
    coverValue("issuer", (state.cover.issuer || "").trim());
    var pending = reviewStatement(all);
    Array.prototype.forEach.call(packet.querySelectorAll("[data-unit-label]"), function (node) {
      node.textContent = unitLabel(chosen);
    });
    // A guide's visitor information is stale when verified more than N days before the edition.
    Array.prototype.forEach.call(packet.querySelectorAll("[data-stale-after]"), function (note) {
      var days = (Date.parse(edition) - Date.parse(note.dataset.staleAfter)) / 86400000;
      if (edition && days > Number(note.dataset.staleDays)) {
        note.querySelector("[data-edition]").textContent = edition;
        note.hidden = false;
      } else {
        note.remove();
      }
    });
    return pending;
  }

  var running = el("style", { "data-jg-running-style": "" });
  var pendingStyle = el("style", { "data-jg-pending-style": "", media: "not all" });
  pendingStyle.textContent = host.querySelector("template[data-jg-pending]").innerHTML;
  host.appendChild(running);
  host.appendChild(pendingStyle);

  function assemble() {
    Array.prototype.forEach.call(packet.querySelectorAll(":scope > .item"), function (node) { node.remove(); });
    toc.textContent = "";
    var sections = sectionsOf(state.items);
    sections.forEach(function (section, index) {
      var anchor = "item-" + (index + 1);
      var part = section.record.parts[section.part];
      var node = fragment(part.section.replace(section.record.qr_slot, section.record.qr));
      node.id = anchor;
      packet.appendChild(node);
      var row = fragment(part.toc);
      row.querySelector("a").setAttribute("href", "#" + anchor);
      row.querySelector("[data-page-of]").dataset.pageOf = anchor;
      toc.appendChild(row);
    });
    var pending = fillCover(sections);
    pendingStyle.media = pending ? "all" : "not all";
    var cssTitle = title().replace(/[\\"]/g, "").replace(/[\r\n]/g, " ");
    running.textContent = host.querySelector("template[data-jg-running]").innerHTML.replace("JG-PACKET-TITLE", cssTitle);
    document.title = title();
    return { sections: sections, pending: pending };
  }

  // Lay out, load the fonts the layout (and the running header and footer) asks for, fit the
  // worksheets: what printer.py's WAIT_FOR_FONTS does before a PDF is printed.
  function settle(pending) {
    void packet.offsetHeight;
    var extra = title() + PRINT_TEXT + (pending ? PENDING_MARK : "");
    return Promise.all(FAMILIES.map(function (family) {
      return document.fonts.load('16px "' + family + '"', extra).catch(function () { return null; });
    })).then(function () { return document.fonts.ready; }).then(function () {
      return window.jgFit ? window.jgFit() : null;
    });
  }

  // The page each section starts on, from the packet laid out in page-sized columns
  // (printer.py's MEASURE_PAGES on the builder's box); and the number of pages.
  function measure() {
    root.classList.add("jg-measure");
    try {
      var box = packet.getBoundingClientRect();
      var column = function (rect) { return Math.round((rect.left - box.left) / box.width) + 1; };
      var pages = {};
      Array.prototype.forEach.call(packet.querySelectorAll("[data-page-of]"), function (slot) {
        var start = document.getElementById(slot.dataset.pageOf).getClientRects()[0];
        pages[slot.dataset.pageOf] = column(start);
      });
      var last = packet.lastElementChild.getClientRects();
      return { pages: pages, total: last.length ? column(last[last.length - 1]) : 1 };
    } finally {
      root.classList.remove("jg-measure");
    }
  }

  var stylesReady = Promise.all([loadStyle("packets/builder/packet.css"), loadStyle("assets/fonts/print.css")]);

  function update() {
    var run = ++generation;
    root.removeAttribute("data-packet-ready");
    enablePrint(false);
    setStatus("正在排版……");
    persist();
    renderList();
    return Promise.all([stylesReady, Promise.all(state.items.map(function (entry) { return loadItem(entry.path); }))])
      .then(function () {
        if (run !== generation) return null;
        renderList();
        var assembled = assemble();
        return settle(assembled.pending).then(function () {
          if (run !== generation) return;
          var measured = measure();
          Array.prototype.forEach.call(packet.querySelectorAll("[data-page-of]"), function (slot) {
            slot.textContent = String(measured.pages[slot.dataset.pageOf] || "");
          });
          lastPages = measured.total;
          var count = assembled.sections.length;
          root.setAttribute("data-packet-ready", "");
          enablePrint(count > 0);
          setStatus(count ? "已排好：共 " + lastPages + " 页（封面、目录和 " + count + " 项）。可以打印了。"
            : "讲义包里还没有条目。");
        });
      });
  }

  // ---- the interface -------------------------------------------------------------------------

  function pageLink(record) {
    var url = new URL(record.url || "", base).href;
    return location.protocol === "file:" ? url.replace(/\/(#|$)/, "/index.html$1") : url;
  }

  function move(index, by) {
    var target = index + by;
    if (target < 0 || target >= state.items.length) return;
    var entry = state.items.splice(index, 1)[0];
    state.items.splice(target, 0, entry);
    update().then(function () {
      var buttons = builder.querySelectorAll("[data-jg-builder-list] > li")[target];
      var again = buttons && buttons.querySelector(by < 0 ? "[data-move=up]" : "[data-move=down]");
      if (again && !again.disabled) again.focus();
    });
  }

  function partControls(entry, record, index) {
    var kind = choice.kindOf(entry.path);
    var box = el("span", { "class": "jg-builder__parts", role: "group", "aria-label": "收录的部分" });
    var single = kind === "lecturer";
    choice.PARTS[kind].forEach(function (part) {
      if (record && !record.parts[part]) return;
      var input = el("input", { type: single ? "radio" : "checkbox", name: "parts-" + index, value: part });
      input.checked = entry.parts.indexOf(part) >= 0;
      input.addEventListener("change", function () {
        var picked = Array.prototype.filter.call(box.querySelectorAll("input"), function (other) { return other.checked; })
          .map(function (other) { return other.value; });
        if (!picked.length) { input.checked = true; return; }  // an item prints at least one part
        entry.parts = picked;
        update();
      });
      var label = el("label");
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + PART_LABELS[part]));
      box.appendChild(label);
    });
    return box;
  }

  function renderList() {
    var list = builder.querySelector("[data-jg-builder-list]");
    list.textContent = "";
    var missing = [];
    state.items.forEach(function (entry, index) {
      var record = records[entry.path];
      var item = el("li", { "class": "jg-builder__item" });
      item.appendChild(el("span", { "class": "jg-builder__kind" }, KIND_LABELS[choice.kindOf(entry.path)]));
      if (record) {
        var link = el("a", { href: pageLink(record), "class": "jg-builder__title" }, record.title);
        item.appendChild(link);
        if (record.status !== "published") item.appendChild(el("span", { "class": "jg-builder__pending" }, "审核中"));
      } else {
        item.appendChild(el("span", { "class": "jg-builder__title" }, entry.path));
        if (failed[entry.path]) missing.push(entry.path);
      }
      item.appendChild(partControls(entry, record, index));
      var actions = el("span", { "class": "jg-builder__move" });
      var name = record ? "《" + record.title + "》" : entry.path;
      [["up", "↑", "上移", -1], ["down", "↓", "下移", 1]].forEach(function (spec) {
        var button = el("button", { type: "button", "class": "md-button", "data-move": spec[0], "aria-label": spec[2] + name }, spec[1]);
        button.disabled = index + spec[3] < 0 || index + spec[3] >= state.items.length;
        button.addEventListener("click", function () { move(index, spec[3]); });
        actions.appendChild(button);
      });
      var remove = el("button", { type: "button", "class": "md-button", "aria-label": "移出" + name }, "移出");
      remove.addEventListener("click", function () {
        state.items.splice(index, 1);
        update();
        var search = builder.querySelector("[data-jg-builder-search]");
        showResults(search.value);
      });
      actions.appendChild(remove);
      item.appendChild(actions);
      list.appendChild(item);
    });
    builder.querySelector("[data-jg-builder-empty]").hidden = state.items.length > 0;
    var note = builder.querySelector("[data-jg-builder-missing]");
    var text = rejected.length ? "链接里有认不出的条目，已略过：" + rejected.join("、") + "。" : "";
    if (missing.length) {
      text += "找不到这些条目，没有排进讲义包：" + missing.join("、") +
        "。它们可能已删除或改名；离线时也可能是这一项没有保存在本机。";
    }
    note.hidden = !text;
    note.textContent = text;
  }

  // ---- adding from the catalog ---------------------------------------------------------------

  function matches(entry, terms) {
    var text = (entry[2] + " " + entry[3] + " " + entry[0]).toLowerCase();
    return terms.every(function (term) { return text.indexOf(term) >= 0; });
  }

  function showResults(query) {
    var list = builder.querySelector("[data-jg-builder-results]");
    var terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) return;
    loadScript("packets/builder/catalog.js").then(function () {
      list.textContent = "";
      var found = (catalog || []).filter(function (entry) { return matches(entry, terms); });
      if (!found.length) { list.appendChild(el("li", { "class": "jg-muted" }, "没有找到。换个关键词试试。")); return; }
      found.slice(0, 12).forEach(function (entry) {
        var row = el("li");
        row.appendChild(el("span", { "class": "jg-builder__kind" }, KIND_LABELS[entry[1]]));
        row.appendChild(el("span", { "class": "jg-builder__title" }, entry[2]));
        var chosen = state.items.some(function (item) { return item.path === entry[0]; });
        var add = el("button", { type: "button", "class": "md-button", "data-jg-builder-add": entry[0],
          "aria-label": (chosen ? "已在讲义包中：" : "添加：") + entry[2] }, chosen ? "已添加" : "添加");
        add.disabled = chosen;
        add.addEventListener("click", function () {
          state.items.push(choice.parseToken(entry[0]));
          add.disabled = true;
          add.textContent = "已添加";
          update();
        });
        row.appendChild(add);
        list.appendChild(row);
      });
      if (found.length > 12) list.appendChild(el("li", { "class": "jg-muted" }, "还有 " + (found.length - 12) + " 项，请输入更多关键词。"));
    });
  }

  // ---- cover fields --------------------------------------------------------------------------

  var form = builder.querySelector("[data-jg-builder-cover]");
  function showCoverFields() {
    ["title", "date", "occasion", "issuer"].forEach(function (name) { form.elements[name].value = state.cover[name] || ""; });
    Array.prototype.forEach.call(form.querySelectorAll('input[name="audience"]'), function (box) {
      box.checked = (state.cover.audience || []).indexOf(box.value) >= 0;
    });
  }
  var typing = null;
  form.addEventListener("input", function () {
    ["title", "date", "occasion", "issuer"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) state.cover[name] = value; else delete state.cover[name];
    });
    state.cover.audience = Array.prototype.filter.call(form.querySelectorAll('input[name="audience"]'), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
    clearTimeout(typing);
    typing = setTimeout(update, 300);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  // ---- print, preview, link ------------------------------------------------------------------

  // Off screen the packet is only what prints: out of the keyboard's and screen readers' way.
  host.inert = true;
  function preview(open) {
    host.classList.toggle("jg-packet-host--preview", open);
    host.inert = !open;
    var button = host.querySelector(open ? "[data-jg-builder-close]" : null) || builder.querySelector("[data-jg-builder-preview]");
    if (button) button.focus();
  }
  builder.querySelector("[data-jg-builder-print]").addEventListener("click", function () { window.print(); });
  host.querySelector("[data-jg-builder-print-preview]").addEventListener("click", function () { window.print(); });
  builder.querySelector("[data-jg-builder-preview]").addEventListener("click", function () { preview(true); });
  host.querySelector("[data-jg-builder-close]").addEventListener("click", function () { preview(false); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && host.classList.contains("jg-packet-host--preview")) preview(false);
  });
  builder.querySelector("[data-jg-builder-copy]").addEventListener("click", function () {
    var done = function () { setStatus("链接已复制。"); };
    var fallback = function () { window.prompt("复制这个链接：", location.href); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(done, fallback);
    else fallback();
  });

  // ---- export as a packet YAML (curriculum/packets/<id>.yml, packet.schema.json) --------------

  function quoted(text) { return JSON.stringify(text); }  // a YAML double-quoted scalar

  function exportProblems(id) {
    var problems = [];
    var length = function (text) { return Array.from(text).length; };
    if (!new RegExp(limits.id).test(id)) problems.push("标识只能用小写字母、数字和连字符（例如 sanwan-team-day），也是文件名。");
    [["title", "标题"], ["occasion", "用途"], ["issuer", "印发单位"]].forEach(function (field) {
      var value = (state.cover[field[0]] || "").trim();
      if (!value) problems.push("请填写" + field[1] + "。");
      else if (length(value) > limits[field[0]]) problems.push(field[1] + "最多 " + limits[field[0]] + " 个字。");
    });
    if (!(state.cover.audience || []).length) problems.push("请至少选择一个适用对象。");
    if (!sectionsOf(state.items).length) problems.push("讲义包里还没有条目。");
    return problems;
  }

  function packetYaml(id) {
    var cover = state.cover;
    var lines = [
      "# 由井冈传人“自选讲义包”导出。放到 curriculum/packets/" + id + ".yml，运行 jinggang check 检查后提交。",
      "id: " + id,
      "title: " + quoted(cover.title.trim()),
      "audience: [" + cover.audience.join(", ") + "]",
      "occasion: " + quoted(cover.occasion.trim()),
      "issuer: " + quoted(cover.issuer.trim())
    ];
    if (/^\d{4}-\d{2}-\d{2}$/.test(cover.date || "")) lines.push("date: " + cover.date);
    // A draft is not built: the editors set review or published when they take it in.
    lines.push("status: draft", "speaker_notes: true", "handouts: false", "contents:");
    sectionsOf(state.items).forEach(function (section) {
      lines.push("  - " + section.part + ": " + section.record.id);
    });
    return lines.join("\n") + "\n";
  }

  builder.querySelector("[data-jg-builder-export]").addEventListener("click", function () {
    var id = builder.querySelector("[data-jg-builder-id]").value.trim();
    var status = builder.querySelector("[data-jg-builder-export-status]");
    var area = builder.querySelector("[data-jg-builder-yaml]");
    var problems = exportProblems(id);
    if (problems.length) {
      status.textContent = "还不能导出：" + problems.join("");
      area.hidden = true;
      return;
    }
    var yaml = packetYaml(id);
    area.value = yaml;
    area.hidden = false;
    var link = el("a", { href: URL.createObjectURL(new Blob([yaml], { type: "text/yaml;charset=utf-8" })), download: id + ".yml" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    status.textContent = "已导出 " + id + ".yml（下面是文件内容，也可以直接复制）。";
  });

  // ---- start ---------------------------------------------------------------------------------

  document.body.appendChild(host);  // printed alone: print CSS hides the rest of <body>
  var search = builder.querySelector("[data-jg-builder-search]");
  var searching = null;
  search.addEventListener("input", function () {
    clearTimeout(searching);
    searching = setTimeout(function () { showResults(search.value); }, 150);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var first = builder.querySelector("[data-jg-builder-results] button:not([disabled])");
    if (first) first.click();
  });
  showCoverFields();
  update();
})();
