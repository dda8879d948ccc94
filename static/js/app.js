// Small behaviours shared by every dashboard page (no framework).
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var nav = document.getElementById("mainnav");
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.querySelectorAll(".copyable").forEach(function (el) {
    el.title = "Click to copy";
    el.style.cursor = "copy";
    el.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim());
    });
  });
})();
