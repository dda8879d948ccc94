/* The video maker page: edits projects through the /me/videos API with the dashboard session. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("maker-data").textContent);
  var media = {};
  data.library.concat(data.music).forEach(function (m) { media[m.id] = m; });
  var csrf = document.querySelector("#new-project [name=csrfmiddlewaretoken]").value;
  var $ = function (selector) { return document.querySelector(selector); };
  var project = null;
  var frames = [];
  var pollTimer = null;

  function api(method, path, body) {
    var options = {method: method, credentials: "same-origin", headers: {"X-CSRFToken": csrf}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) { throw json; }
        return json;
      });
    });
  }

  function showError(error) {
    document.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    if (!error) { return; }
    var field = (error.param || "").split(".")[0];
    var target = document.querySelector('[data-error-for="' + field + '"]') || document.querySelector('[data-error-for=""]');
    target.textContent = error.status + " " + error.message;
  }

  function loadList(selectId) {
    return api("GET", "/me/videos?count=100").then(function (body) {
      var list = $("#projects");
      list.innerHTML = "";
      body.videos.forEach(function (v) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + v.id;
        link.dataset.project = v.id;
        link.className = project && project.id === v.id ? "active" : "";
        link.textContent = v.name || "Untitled";
        var pill = document.createElement("span");
        pill.className = "pill status-" + v.status;
        pill.textContent = v.status;
        link.appendChild(pill);
        link.addEventListener("click", function (event) { event.preventDefault(); open(v.id); });
        item.appendChild(link);
        list.appendChild(item);
      });
      if (selectId) { open(selectId).catch(function () { window.location.hash = ""; }); }
    });
  }

  function open(id) {
    return api("GET", "/me/videos/" + id).then(show);
  }

  function show(v) {
    project = v;
    window.location.hash = v.id;
    $("#empty").hidden = true;
    $("#editor").hidden = false;
    $("#editor-title").textContent = v.name || "Untitled";
    $("#name").value = v.name;
    $("#quality").value = String(v.quality);
    var style = document.querySelector('input[name=style][value="' + v.style + '"]');
    document.querySelectorAll("input[name=style]").forEach(function (r) { r.checked = r === style; });
    var music = v.assets.filter(function (a) { return a.asset_id && media[a.asset_id] && media[a.asset_id].kind === "audio"; })[0];
    $("#music").value = music ? music.asset_id : "";
    frames = v.assets.filter(function (a) { return a !== music; });
    $("#credits").innerHTML = "";
    v.credit.forEach(function (pair) { addCredit(pair[0], pair[1]); });
    renderFrames();
    showStatus(v);
    showError(null);
    document.querySelectorAll("[data-project]").forEach(function (a) { a.className = a.dataset.project === v.id ? "active" : ""; });
  }

  function showStatus(v) {
    var pill = $("#status");
    pill.textContent = v.status + (v.error ? " — " + v.error.code + " " + v.error.message : "");
    pill.className = "pill status-" + v.status;
    pill.dataset.status = v.status;
    $("#render").disabled = v.status === "rendering";
    var result = $("#result");
    result.hidden = !v.video;
    if (v.video) {
      var qualities = Object.keys(v.video).sort(function (a, b) { return a - b; });
      var best = v.video[qualities[qualities.length - 1]];
      var player = $("#maker-player");
      if (player.getAttribute("src") !== best.url) {
        player.src = best.url;
        player.poster = v.thumbnail[qualities[qualities.length - 1]];
      }
      $("#public-link").value = best.url;
      $("#views").textContent = v.view + " view" + (v.view === 1 ? "" : "s") + " · " + qualities.map(function (q) { return q + "p"; }).join(", ");
    }
    clearTimeout(pollTimer);
    if (v.status === "rendering") {
      pollTimer = setTimeout(function () {
        api("GET", "/me/videos/" + v.id).then(function (fresh) {
          if (project && project.id === fresh.id) { project = fresh; showStatus(fresh); }
          if (fresh.status !== "rendering") { loadList(); }
        });
      }, 1000);
    }
  }

  function renderFrames() {
    var list = $("#frames");
    list.innerHTML = "";
    frames.forEach(function (frame, index) {
      var item = document.createElement("li");
      item.className = "frame";
      item.draggable = true;
      item.dataset.index = index;
      var handle = document.createElement("span");
      handle.className = "handle";
      handle.textContent = "⠿";
      var thumb;
      var m = frame.asset_id && media[frame.asset_id];
      if (m && m.kind === "image") {
        thumb = document.createElement("img");
        thumb.src = m.url;
        thumb.alt = m.name;
      } else {
        thumb = document.createElement("span");
        thumb.textContent = m ? "▶ " + m.name : "Title";
      }
      thumb.className = "thumb";
      var caption = document.createElement("input");
      caption.placeholder = frame.asset_id ? "Caption" : "Title text";
      caption.value = frame.text || "";
      caption.setAttribute("aria-label", "Caption of frame " + (index + 1));
      caption.addEventListener("input", function () { frame.text = caption.value; });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn remove";
      remove.textContent = "Remove";
      remove.addEventListener("click", function () { frames.splice(index, 1); renderFrames(); });
      item.append(handle, thumb, caption, remove);
      item.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", String(index));
        item.classList.add("dragging");
      });
      item.addEventListener("dragend", function () { item.classList.remove("dragging"); });
      item.addEventListener("dragover", function (event) { event.preventDefault(); });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        var from = Number(event.dataTransfer.getData("text/plain"));
        var moved = frames.splice(from, 1)[0];
        frames.splice(index, 0, moved);
        renderFrames();
      });
      list.appendChild(item);
    });
  }

  function addCredit(key, value) {
    var row = document.createElement("div");
    row.className = "credit-row";
    var k = document.createElement("input");
    k.placeholder = "Role";
    k.value = key || "";
    k.className = "credit-key";
    var v = document.createElement("input");
    v.placeholder = "Name";
    v.value = value || "";
    v.className = "credit-value";
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn";
    remove.textContent = "Remove";
    remove.addEventListener("click", function () { row.remove(); });
    row.append(k, v, remove);
    $("#credits").appendChild(row);
  }

  function changes() {
    var style = document.querySelector("input[name=style]:checked");
    var assets = frames.map(function (f) {
      var asset = {};
      if (f.asset_id) { asset.asset_id = f.asset_id; }
      if (f.text) { asset.text = f.text; }
      if (f.duration) { asset.duration = f.duration; }
      return asset;
    }).filter(function (a) { return a.asset_id || a.text; });
    if ($("#music").value) { assets.push({asset_id: $("#music").value}); }
    var body = {
      name: $("#name").value,
      quality: $("#quality").value,
      assets: assets,
      credit: Array.prototype.map.call(document.querySelectorAll(".credit-row"), function (row) {
        return [row.querySelector(".credit-key").value, row.querySelector(".credit-value").value];
      }).filter(function (pair) { return pair[0] || pair[1]; })
    };
    if (style) { body.style = style.value; }
    return body;
  }

  function save() {
    return api("POST", "/me/videos/" + project.id, changes()).then(function (v) {
      show(v);
      $("#saved").textContent = "Saved · " + v.duration + " s";
      loadList();
      return v;
    });
  }

  $("#new-project").addEventListener("submit", function (event) {
    event.preventDefault();
    api("POST", "/me/videos", {name: $("#new-name").value}).then(function (v) {
      $("#new-name").value = "";
      loadList(v.id);
    }, showError);
  });
  $("#editor").addEventListener("submit", function (event) { event.preventDefault(); save().catch(showError); });
  $("#render").addEventListener("click", function () {
    save().then(function () {
      return api("POST", "/me/videos/" + project.id + "/render");
    }).then(function () { return open(project.id); }).then(function () { loadList(); }).catch(showError);
  });
  $("#delete").addEventListener("click", function () {
    if (!window.confirm("Delete this video and its public link?")) { return; }
    api("DELETE", "/me/videos/" + project.id).then(function () {
      project = null;
      $("#editor").hidden = true;
      $("#empty").hidden = false;
      loadList();
    }, showError);
  });
  $("#add-title").addEventListener("click", function () { frames.push({text: ""}); renderFrames(); });
  $("#add-credit").addEventListener("click", function () { addCredit("", ""); });
  document.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () { frames.push({asset_id: button.dataset.add, text: ""}); renderFrames(); });
  });
  $("#copy-link").addEventListener("click", function () {
    var link = $("#public-link");
    link.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(link.value); } else { document.execCommand("copy"); }
    $("#copy-link").textContent = "Copied";
  });
  loadList(window.location.hash.slice(1) || null);
})();
