// Report linking step: add a directive row from the search results or an ambiguous citation.
// Works without a framework; the server renders everything else.
(function () {
  "use strict";
  function addRow(id, label) {
    if (document.querySelector('.link-row[data-directive="' + id + '"]')) {
      var existing = document.querySelector('.link-row[data-directive="' + id + '"] input[type=checkbox]');
      if (existing) { existing.checked = true; existing.focus(); }
      return;
    }
    var tpl = document.getElementById("link-row-template");
    var row = tpl.content.firstElementChild.cloneNode(true);
    row.dataset.directive = id;
    row.querySelector("legend").textContent = label;
    row.querySelector('input[name="directive"]').value = id;
    var spans = row.querySelector(".js-spans");
    spans.name = "link-" + id + "-spans";
    var keep = row.querySelector(".js-keep");
    keep.name = "link-" + id + "-keep"; keep.id = "keep-" + id;
    row.querySelector(".js-keep-label").htmlFor = keep.id;
    var sel = row.querySelector(".js-assessment");
    sel.name = "link-" + id + "-assessment"; sel.id = "assessment-" + id;
    row.querySelector(".js-assessment-label").htmlFor = sel.id;
    var note = row.querySelector(".js-note");
    note.name = "link-" + id + "-note"; note.id = "note-" + id;
    row.querySelector(".js-note-label").htmlFor = note.id;
    document.getElementById("link-rows").appendChild(row);
    var none = document.getElementById("no-links");
    if (none) { none.remove(); }
    keep.focus();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-add-link");
    if (!button) { return; }
    event.preventDefault();
    addRow(button.dataset.directive, button.dataset.label);
  });
})();
