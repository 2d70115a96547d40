// Report linking step. The server draws every row (also a row added from the search, fetched
// as HTML from the links page itself), so a row added here has the same fields, contribution
// inputs included, as one drawn after a save or after an error. Without a framework.
(function () {
  "use strict";
  var form = document.getElementById("links-form");
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  if (!form) { return; }

  function rowFor(id) {
    return form.querySelector('.link-row[data-directive="' + id + '"]');
  }

  function showError(show) {
    var error = document.getElementById("add-link-error");
    if (error) { error.hidden = !show; }
  }

  function addRow(id) {
    var existing = rowFor(id);
    if (existing) {
      var keep = existing.querySelector('input[type="checkbox"]');
      if (keep) { keep.checked = true; keep.focus(); }
      return;
    }
    var url = form.dataset.rowUrl + "?row=" + encodeURIComponent(id);
    fetch(url, {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (rowFor(id)) { return; }
        document.getElementById("link-rows").insertAdjacentHTML("beforeend", html);
        var none = document.getElementById("no-links");
        if (none) { none.remove(); }
        showError(false);
        var row = rowFor(id);
        var keep = row && row.querySelector('input[type="checkbox"]');
        if (keep) { keep.focus(); }
      })
      .catch(function () { showError(true); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-add-link");
    if (!button) { return; }
    event.preventDefault();
    addRow(button.dataset.directive);
  });
})();
