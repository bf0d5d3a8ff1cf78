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

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-jg-catalog]"), setupCatalog);
    var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-jg-view]"));
    if (buttons.length) setupViewSwitch(buttons);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
