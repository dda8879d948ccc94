// Document template editor: fields table rows, and a live preview refreshed (debounced) on change.
(function () {
  "use strict";
  var form = document.getElementById("template-form");
  if (!form) return;
  var tbody = document.querySelector("#fields-table tbody");
  var rowTemplate = document.getElementById("field-row-template");
  var image = document.getElementById("preview-image");
  var errorBox = document.getElementById("preview-error");
  var state = document.getElementById("preview-state");
  var timer = null, inflight = null, lastUrl = null;

  function renumber() {
    // "required" checkboxes carry their row index, since unticked boxes are not posted
    tbody.querySelectorAll("[data-field-row]").forEach(function (row, index) {
      row.querySelector("input[name=field_required]").value = String(index);
    });
  }

  document.getElementById("add-field").addEventListener("click", function () {
    tbody.appendChild(rowTemplate.content.cloneNode(true));
    renumber();
    tbody.querySelector("[data-field-row]:last-child input[name=field_name]").focus();
  });
  tbody.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-field]");
    if (!button) return;
    button.closest("[data-field-row]").remove();
    renumber();
    schedule();
  });

  function refresh() {
    if (inflight) inflight.abort();
    inflight = new AbortController();
    state.textContent = "rendering…";
    fetch(form.dataset.previewUrl, { method: "POST", body: new FormData(form), signal: inflight.signal,
                                      credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) return response.blob().then(function (blob) {
          if (lastUrl) URL.revokeObjectURL(lastUrl);
          lastUrl = URL.createObjectURL(blob);
          image.src = lastUrl;
          errorBox.hidden = true;
          state.textContent = "sample values";
        });
        return response.json().then(function (body) {
          var error = body.error;
          errorBox.textContent = (error.param ? error.param + ": " : "") + error.message;
          errorBox.hidden = false;
          state.textContent = "error";
        });
      })
      .catch(function (error) { if (error.name !== "AbortError") { state.textContent = "offline"; } });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  renumber();
  refresh();
})();
