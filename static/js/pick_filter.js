// A filter box over a long list of tick boxes ([data-pick], each choice [data-pick-item]) or
// over a long select ([data-pick-select]), typed without accents ("nguyen van duc" finds
// "Nguyễn Văn Đức"). Over tick boxes it adds "tick all shown" and "untick all shown". The
// controls are made here, so that without JavaScript the form is the plain list it was.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // Every typed word must start a word of the name, in any order.
  function matches(name, words) {
    var parts = fold(name).split(" ");
    return words.every(function (w) {
      return parts.some(function (p) { return p.indexOf(w) === 0; });
    });
  }

  function box(label, placeholder) {
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.setAttribute("aria-label", label);
    input.placeholder = placeholder || "";
    return input;
  }

  function button(text, attr) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small secondary";
    b.textContent = text;
    if (attr) b.setAttribute(attr, "");
    return b;
  }

  function setUpList(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-pick-item]"));
    var tools = document.createElement("div");
    tools.className = "pick-tools";
    var input = box(list.dataset.pickLabel, list.dataset.pickPlaceholder);
    var all = button(list.dataset.pickAll, "data-tick-all");
    var none = button(list.dataset.pickNone, "data-untick-all");
    var shown = document.createElement("span");
    shown.className = "muted";
    shown.setAttribute("aria-live", "polite");
    tools.append(input, all, none, shown);
    list.parentNode.insertBefore(tools, list);

    function visible() {
      return items.filter(function (item) { return !item.hidden; });
    }
    function tick(value) {
      visible().forEach(function (item) {
        var check = item.querySelector("input[type=checkbox]");
        if (check) check.checked = value;
      });
    }
    function filter() {
      var words = fold(input.value).split(" ").filter(Boolean);
      items.forEach(function (item) {
        item.hidden = words.length > 0 && !matches(item.dataset.pickItem || item.textContent, words);
      });
      shown.textContent = words.length
        ? (list.dataset.pickShown || "{n} / {total}")
          .replace("{n}", visible().length).replace("{total}", items.length)
        : "";
    }
    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // typing a name never sends the form
    });
    all.addEventListener("click", function () { tick(true); });
    none.addEventListener("click", function () { tick(false); });
  }

  function setUpSelect(select) {
    var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });
    var input = box(select.dataset.pickLabel, select.dataset.pickPlaceholder);
    var tools = document.createElement("div");
    tools.className = "pick-tools";
    tools.append(input);
    select.parentNode.insertBefore(tools, select);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(" ").filter(Boolean);
      var first = null;
      options.forEach(function (option) {
        option.hidden = words.length > 0 && !matches(option.textContent, words);
        if (!option.hidden && !first) first = option;
      });
      var chosen = select.options[select.selectedIndex];
      if (words.length && first && (!chosen || chosen.hidden || !chosen.value)) {
        select.value = first.value; // the first match is chosen; the list still shows the rest
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-pick]").forEach(setUpList);
    document.querySelectorAll("select[data-pick-select]").forEach(setUpSelect);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
