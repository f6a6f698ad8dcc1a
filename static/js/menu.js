// The main menu (templates/base.html): a <details> that folds on a phone and stays open
// from 60rem, where its links fit on one line. Browsers that style ::details-content show
// it open there without this; older ones need the attribute.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 60rem)");
  function place() {
    var menus = document.querySelectorAll("details[data-menu]");
    for (var i = 0; i < menus.length; i++) {
      menus[i].open = wide.matches;
    }
  }
  document.addEventListener("DOMContentLoaded", place);
  if (wide.addEventListener) {
    wide.addEventListener("change", place);
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || wide.matches) {
      return;
    }
    var open = document.querySelector("details[data-menu][open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
