// The roster import's page while the worker runs: asks for its progress every two seconds,
// moves the bar, and shows the result (reloads) once the job is done or failed.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) return;
  var bar = box.querySelector("[data-progress-bar]");
  var done = box.querySelector("[data-done]");
  var total = box.querySelector("[data-total]");
  var url = box.getAttribute("data-progress-url");
  var format = new Intl.NumberFormat(document.documentElement.lang || "vi");
  var polls = 0;
  function ask() {
    polls += 1;
    if (polls > 1800) return; // an hour: the page is left open, stop asking
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (state) {
        if (!state) { setTimeout(ask, 5000); return; }
        if (state.status === "ready" || state.status === "failed") { window.location.reload(); return; }
        bar.value = state.percent;
        bar.textContent = state.percent + "%";
        done.textContent = format.format(state.done);
        total.textContent = format.format(state.total);
        setTimeout(ask, 2000);
      })
      .catch(function () { setTimeout(ask, 5000); });
  }
  setTimeout(ask, 1000);
})();
