// The "Code to copy" cards: language tabs (arrow keys move between them) and copy buttons.
(function () {
  "use strict";
  document.querySelectorAll("[data-snippets]").forEach(function (card) {
    if (card.dataset.ready) return;
    card.dataset.ready = "1";
    var tabs = Array.prototype.slice.call(card.querySelectorAll("[role=tab]"));
    function select(tab) {
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        other.tabIndex = on ? 0 : -1;
        other.classList.toggle("selected", on);
        document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
      });
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      tab.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) return;
        var next = tabs[(index + step + tabs.length) % tabs.length];
        select(next);
        next.focus();
      });
    });
    card.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        var done = function () {
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
        };
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(done);
      });
    });
  });
})();
