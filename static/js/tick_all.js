// A button with data-tick-all ticks every box of its fieldset (the meeting's attendees).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-tick-all]");
  if (!button) return;
  button.closest("fieldset").querySelectorAll("input[type=checkbox]").forEach(function (box) {
    box.checked = true;
  });
});
