// A list's filter form folded in a <details data-fold-filters> on a phone: open from 48rem,
// where it takes a line or two, and on a phone when a filter is in use (the server renders it
// open then). Without this script the fold still opens and closes by its summary.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");
  function place() {
    var folds = document.querySelectorAll("details[data-fold-filters]");
    for (var i = 0; i < folds.length; i++) {
      folds[i].open = wide.matches || folds[i].hasAttribute("data-active");
    }
  }
  document.addEventListener("DOMContentLoaded", place);
  if (wide.addEventListener) {
    wide.addEventListener("change", place);
  }
})();
