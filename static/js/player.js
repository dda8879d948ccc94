// The player page (/p/<token>): timed call-to-action buttons, first-party analytics
// beacons (navigator.sendBeacon, no cookies), and the swap from "being prepared" to
// the player without a reload.
(function () {
  "use strict";
  var script = document.currentScript;
  var beaconUrl = script.dataset.beacon;
  var embed = script.dataset.embed === "1";
  var queue = [];
  var timer = null;

  function send() {
    clearTimeout(timer);
    timer = null;
    while (queue.length) {
      var body = JSON.stringify({ events: queue.splice(0, 20) });
      if (!(navigator.sendBeacon && navigator.sendBeacon(beaconUrl, new Blob([body], { type: "text/plain" })))) {
        fetch(beaconUrl, { method: "POST", body: body, keepalive: true, credentials: "omit" });
      }
    }
  }

  function track(name, id) {
    var event = { e: name };
    if (id) event.id = id;
    queue.push(event);
    if (!timer) timer = setTimeout(send, 1000);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
  });
  window.addEventListener("pagehide", send);

  function initPlayer(stage) {
    var video = stage.querySelector("video");
    if (!video) return;
    var ctas = Array.prototype.slice.call(stage.querySelectorAll("[data-cta]"));
    var seen = {};
    function once(name) {
      if (!seen[name]) {
        seen[name] = true;
        track(name);
      }
    }
    function update() {
      var now = video.currentTime;
      ctas.forEach(function (cta) {
        var shown = !video.ended && now >= parseFloat(cta.dataset.start) && now < parseFloat(cta.dataset.end);
        if (cta.hidden === shown) cta.hidden = !shown;
      });
      if (video.duration && isFinite(video.duration)) {
        [25, 50, 75].forEach(function (q) {
          if (now >= (video.duration * q) / 100) once("q" + q);
        });
      }
    }
    video.addEventListener("play", function () {
      once("play");
    });
    ["timeupdate", "seeked", "loadedmetadata"].forEach(function (name) {
      video.addEventListener(name, update);
    });
    video.addEventListener("ended", function () {
      ["q25", "q50", "q75", "q100"].forEach(once);
      update();
      send();
    });
    ctas.forEach(function (cta) {
      if (cta.tagName !== "A") return;
      if (embed) cta.target = "_blank";
      cta.addEventListener("click", function () {
        track("cta", cta.dataset.cta);
        send();
      });
    });
    update();
  }

  // Every 0.25 s for the first minute (a render usually takes seconds), then every 3 s.
  function poll(stage, started) {
    var wait = Date.now() - started < 60000 ? 250 : 3000;
    fetch(stage.dataset.statusUrl, { cache: "no-store", credentials: "omit" })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.status === "done" || answer.status === "error") {
          stage.dataset.status = answer.status;
          if (answer.html) stage.innerHTML = answer.html;
          if (answer.status === "done") initPlayer(stage);
          return;
        }
        if (answer.status !== "gone") setTimeout(poll, wait, stage, started);
      })
      .catch(function () {
        setTimeout(poll, 3000, stage, started);
      });
  }

  var stage = document.getElementById("stage");
  track("view");
  if (stage.dataset.status === "done") initPlayer(stage);
  else if (stage.dataset.status !== "error") setTimeout(poll, 250, stage, Date.now());
})();
