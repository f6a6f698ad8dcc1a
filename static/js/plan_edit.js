// The plan editor. Without JavaScript the page works as a plain form: every control shows,
// the arrows and "Add an item" send the form and the page comes back. With it:
// - the unit's text box shows only when "other" is picked;
// - text areas grow with their text; the folded card's summary follows what is typed;
// - the arrows move the card at once and keep the hidden order fields in step;
// - the draft is saved a moment after the typing stops (the autosave address, through the
//   same forms and service as the page), with "Saved at hh:mm", or "Not saved" and the text
//   kept on the page. A page older than the plan is refused by the server and says so.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("plan-form");
  if (!form) return;
  var list = form.querySelector(".item-list");

  // The unit: the "other" text box only when "other" is picked.
  var other = form.dataset.otherUnit;
  function wireUnit(select) {
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
  }
  form.querySelectorAll("select[name$='-target_unit']").forEach(wireUnit);

  // Text areas as tall as their text.
  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px";
  }
  form.querySelectorAll("textarea").forEach(function (area) {
    // The rows written for a phone without the script would leave a desk's boxes too tall.
    if (area.hasAttribute("data-grow")) area.rows = 2;
    area.addEventListener("input", function () { grow(area); });
    if (area.offsetParent) grow(area);
  });
  // Areas in a folded card have no height until it opens.
  form.querySelectorAll("details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open) details.querySelectorAll("textarea").forEach(grow);
    });
  });

  // The folded card's summary follows the fields.
  function summarise(card) {
    var prefix = card.dataset.prefix;
    var field = function (name) { return form.elements[prefix + "-" + name]; };
    var title = card.querySelector(".item-title");
    var action = field("action");
    if (title && action) {
      var text = action.value.trim();
      title.textContent = text ? (text.length > 140 ? text.slice(0, 139) + "…" : text) : title.dataset.empty;
    }
    var when = card.querySelector(".item-when");
    var quarter = field("quarter"), exact = field("exact_date"), date = field("deadline");
    if (when && quarter) {
      var label = when.dataset.none;
      if (exact && exact.checked && date && date.value) {
        var parts = date.value.split("-");
        label = parts[2] + "/" + parts[1] + "/" + parts[0];
      } else if (quarter.value) {
        label = when.dataset.quarter.replace("{q}", quarter.options[quarter.selectedIndex].text);
      }
      when.textContent = label;
    }
    var remove = field("DELETE");
    card.classList.toggle("removing", !!(remove && remove.checked));
  }

  // Order: the cards as shown, numbered, their hidden order fields written.
  function cards() { return Array.prototype.slice.call(list.querySelectorAll(".item-card")); }
  function renumber() {
    cards().forEach(function (card, i) {
      card.querySelectorAll(".item-no").forEach(function (no) { no.textContent = i + 1; });
      var order = card.querySelector("input.order");
      if (order) order.value = i + 1;
    });
  }
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.move");
    if (!button) return;
    event.preventDefault();
    var card = button.closest(".item-card");
    if (button.classList.contains("move-up")) {
      var before = card.previousElementSibling;
      if (before) list.insertBefore(card, before);
    } else {
      var after = card.nextElementSibling;
      if (after) list.insertBefore(after, card);
    }
    renumber();
    // The arrow that moved the card may now be hidden (first or last card): keep the focus
    // on the card's other arrow.
    var keep = getComputedStyle(button).visibility !== "hidden" ? button
      : card.querySelector(button.classList.contains("move-up") ? ".move-down" : ".move-up");
    keep.focus();
    changed();
  });

  // Saving the draft a moment after the typing stops.
  var status = form.querySelector(".autosave-status");
  var version = form.elements["version"];
  var url = form.dataset.autosave;
  var timer = null, inFlight = null, dirty = false, stale = false, pendingSubmit = null, submitting = false;
  var DELAY = 2000;
  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "autosave-status" + (kind ? " " + kind : "");
  }
  function changed(event) {
    if (event && event.target) {
      var card = event.target.closest(".item-card");
      if (card) summarise(card);
    }
    dirty = true;
    if (stale || !url) return;
    say(status.dataset.changed, "");
    clearTimeout(timer);
    timer = setTimeout(save, DELAY);
  }
  function failed(message) {
    say(status.dataset.unsaved + (message ? ": " + message : ""), "unsaved");
  }
  function save() {
    timer = null;
    if (!dirty || stale) return Promise.resolve();
    if (inFlight) { timer = setTimeout(save, DELAY); return inFlight; }
    dirty = false;
    say(status.dataset.saving, "");
    var body = new FormData(form);
    inFlight = fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-Requested-With": "fetch", "Accept": "application/json"}
    }).then(function (response) {
      var json = !response.redirected && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) throw new Error("");
      return response.json().then(function (answer) {
        if (answer.saved) {
          version.value = answer.version;
          Object.keys(answer.ids).forEach(function (prefix) {
            var id = form.elements[prefix + "-id"];
            if (id) id.value = answer.ids[prefix];
          });
          form.querySelectorAll(".item-card.has-errors").forEach(function (card) { card.classList.remove("has-errors"); });
          if (!dirty) say(status.dataset.saved.replace("{time}", answer.at), "saved");
          return;
        }
        dirty = true;
        if (answer.stale) stale = true;
        (answer.items || []).forEach(function (prefix) {
          var card = document.getElementById("card-" + prefix);
          if (card) { card.classList.add("has-errors"); card.querySelector("details").open = true; }
        });
        failed(answer.error);
      });
    }).catch(function () {
      dirty = true;
      failed("");
      clearTimeout(timer);
      timer = setTimeout(save, 15000);  // the network may come back
    }).then(function () {
      inFlight = null;
      if (pendingSubmit !== null) {
        var submitter = pendingSubmit;
        pendingSubmit = null;
        submitting = true;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      }
    });
    return inFlight;
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The page's own buttons send the form; one sent while a save is on its way waits for it,
  // so that it carries the version that save returned.
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      pendingSubmit = event.submitter || false;
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  cards().forEach(summarise);
  renumber();

  // After "Add an item" or an arrow sent without the script: back to that item.
  var focus = form.dataset.focusItem;
  if (focus) {
    var item = document.getElementById("card-" + focus);
    if (item) {
      item.scrollIntoView();
      var area = item.querySelector("details[open] textarea");
      if (area) area.focus();
      else item.querySelector("summary").focus();
    }
  }
});
