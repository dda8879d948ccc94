// Documents generated from the dashboard, kept current without a manual reload:
// - a request's page long-polls its status, then opens the PDF (or shows the PNG/JPG pages);
// - the Documents page's Requests table swaps in fresh rows (every 2 s while one is in
//   progress, else every 15 s, and only while the tab is visible).
(function () {
  "use strict";
  var pill = document.getElementById("request-status");
  if (pill && pill.dataset.status === "InProgress") {
    var poll = function () {
      fetch(pill.dataset.statusUrl + "?wait=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (result) {
          pill.textContent = result.Status;
          pill.className = "pill status-" + result.Status;
          if (result.Status === "InProgress") return poll();
          if (result.Status === "Completed" && pill.dataset.format === "PDF") {
            window.location.assign(result.URLs[0]);
            return;
          }
          window.location.reload();
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    poll();
  }

  var rows = document.getElementById("request-rows");
  if (rows) {
    var refresh = function () {
      var busy = rows.querySelector(".status-InProgress") !== null;
      window.setTimeout(function () {
        if (document.hidden) return refresh();
        fetch(rows.dataset.rowsUrl, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : null; })
          .then(function (html) { if (html !== null) rows.innerHTML = html; })
          .catch(function () { /* offline: try again at the next tick */ })
          .finally(refresh);
      }, busy ? 2000 : 15000);
    };
    refresh();
  }
})();
