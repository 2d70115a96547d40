// The tree workspace. Without this script every fold button submits the tree's GET form
// (the server draws the tree opened at that unit) and "more units" is a page of its own;
// with it, a level is fetched as a server-drawn fragment and put in place, one level per
// request, and folding is done here. The unit the user looked for is scrolled to and focused.
(function () {
  "use strict";
  var tree = document.getElementById("ws-tree");
  if (!tree) { return; }
  var error = document.getElementById("ws-error");

  function fetchFragment(url) {
    return fetch(url, {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      });
  }

  function showError(show) {
    if (error) { error.hidden = !show; }
  }

  function toggle(button) {
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) { return; }
    if (button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      list.hidden = true;
      return;
    }
    if (list.dataset.loaded) {
      button.setAttribute("aria-expanded", "true");
      list.hidden = false;
      return;
    }
    if (button.getAttribute("aria-busy") === "true") { return; }
    button.setAttribute("aria-busy", "true");
    fetchFragment(button.dataset.childrenUrl)
      .then(function (html) {
        list.innerHTML = html;
        list.dataset.loaded = "1";
        list.hidden = false;
        button.setAttribute("aria-expanded", "true");
        showError(false);
      })
      .catch(function () { showError(true); })
      .then(function () { button.removeAttribute("aria-busy"); });
  }

  function more(link) {
    var item = link.closest(".ws-more");
    fetchFragment(link.href)
      .then(function (html) {
        var marker = document.createElement("li");
        item.parentNode.insertBefore(marker, item);
        item.remove();
        marker.insertAdjacentHTML("afterend", html);
        var first = marker.nextElementSibling && marker.nextElementSibling.querySelector(".ws-link");
        marker.remove();
        if (first) { first.focus(); }
        showError(false);
      })
      .catch(function () { showError(true); });
  }

  tree.addEventListener("click", function (event) {
    var button = event.target.closest(".ws-toggle");
    if (button && tree.contains(button)) {
      event.preventDefault();
      toggle(button);
      return;
    }
    var link = event.target.closest(".ws-more-link");
    if (link && tree.contains(link)) {
      event.preventDefault();
      more(link);
    }
  });

  // The unit looked for gets the focus once the page has loaded: the browser's own jump to
  // the URL's #unit-… fragment (which works without this script) would otherwise undo it.
  var target = tree.querySelector(".ws-target .ws-link");
  if (target) {
    var focusTarget = function () {
      target.scrollIntoView({block: "center"});
      target.focus({preventScroll: true});
    };
    if (document.readyState === "complete") {
      window.setTimeout(focusTarget, 0);
    } else {
      window.addEventListener("load", function () { window.setTimeout(focusTarget, 0); });
    }
  }
})();
