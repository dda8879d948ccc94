// Zoom for document previews: [data-zoom] holds − / Fit / + buttons and the images they size.
(function () {
  "use strict";
  document.querySelectorAll("[data-zoom]").forEach(function (box) {
    var level = null; // null: fit the frame
    var label = box.querySelector("[data-zoom-level]");
    function apply() {
      box.querySelectorAll("img").forEach(function (img) {
        img.style.maxWidth = level === null ? "100%" : "none";
        img.style.width = level === null ? "" : (img.naturalWidth * level / 100) + "px";
      });
      label.textContent = level === null ? "fit" : level + " %";
      box.classList.toggle("zoomed", level !== null);
    }
    function current() {
      var img = box.querySelector("img");
      if (!img || !img.naturalWidth) return 100;
      return Math.round(100 * img.getBoundingClientRect().width / img.naturalWidth);
    }
    box.querySelectorAll("[data-zoom-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var start = level === null ? current() : level;
        level = Math.min(400, Math.max(25, start + Number(button.dataset.zoomStep)));
        apply();
      });
    });
    box.querySelector("[data-zoom-fit]").addEventListener("click", function () { level = null; apply(); });
  });
})();
