// The plan form: without JavaScript both unit controls show; with it, the text box only when
// "other" is picked. After "Add an item", the new item is scrolled to and focused.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("plan-form");
  if (!form) return;
  var other = form.dataset.otherUnit;
  form.querySelectorAll("select[name$='-target_unit']").forEach(function (select) {
    var input = document.getElementById(select.id + "_other");
    var box = input && input.closest(".field");
    if (!box) return;
    function sync() {
      box.style.display = select.value === other || box.classList.contains("has-error") ? "" : "none";
    }
    select.addEventListener("change", function () {
      sync();
      if (select.value === other) input.focus();
    });
    sync();
  });
  var focus = form.dataset.focusItem;
  if (focus) {
    var item = document.getElementById("item-" + focus);
    if (item) {
      item.scrollIntoView();
      var area = item.querySelector("textarea");
      if (area) area.focus();
    }
  }
});
