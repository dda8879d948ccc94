// The visual template editor (videos/editor): the script's JSON is the source of truth; the stage,
// the timeline and the properties panel edit it and follow it. Frames come from the server's
// renderer (the same compiler and ffmpeg as a render); times and errors from its checker.
// Plain JavaScript, no build step, no library: see docs/template-editor.md for why.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("editor-data").textContent);
  var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  function $(id) { return document.getElementById(id); }
  var json = $("script-json"), rows = $("rows"), ruler = $("ruler"), boxes = $("boxes"), props = $("props");
  var stage = $("stage"), frame = $("frame"), playhead = $("playhead");
  var TYPES = ["video", "audio", "image", "text", "rectangle", "cta"];
  var PLAY_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\.(start|end)\s*(?:([+-])\s*(\d+(?:\.\d+)?))?\s*$/;
  var SNAP_PX = 8;
  var profileSize = (/_(\d+)x(\d+)_/.exec(data.profile) || [0, 640, 480]).slice(1).map(Number);

  var state = {
    script: data.script,
    times: {},          // element id -> {start, end}, from the server's check (moved locally while dragging)
    duration: 1,
    inputs: [],         // [{inputID, type}] the script takes
    samples: {},        // inputID -> text or mediaID
    selected: null,
    playhead: 0,
    error: null,        // {elements: [...], text}
    undo: [], redo: []
  };

  // -- the script ------------------------------------------------------------------

  function elements() { return Array.isArray(state.script.elements) ? state.script.elements : []; }
  function element(id) { return elements().find(function (e) { return e.id === id; }); }
  function canvas() {
    var s = state.script;
    return s.width && s.height ? [s.width, s.height] : profileSize;
  }
  function text() { return JSON.stringify(state.script, null, 2); }
  function round(value, step) { return Math.round(value / step) * step; }
  function fixed(value) { return Number(value.toFixed(2)); }

  // One undo step: the script as it was before a change (now, unless ``before`` says).
  function record(before) {
    state.undo.push(before || text());
    if (state.undo.length > 200) state.undo.shift();
    state.redo = [];
    updateHistory();
  }
  function updateHistory() {
    $("undo").disabled = !state.undo.length;
    $("redo").disabled = !state.redo.length;
  }
  // A change made on the stage, the timeline or the panel: into the JSON, then checked.
  function changed() {
    json.value = text();
    showJsonError(null);
    render();
    check();
  }
  function restore(from, to) {
    if (!from.length) return;
    to.push(text());
    state.script = JSON.parse(from.pop());
    if (state.selected && !element(state.selected)) state.selected = null;
    updateHistory();
    changed();
  }

  // A burst of typing (no pause of a second) is one undo step: ``burstFrom`` is the script before it,
  // false once recorded.
  var typing = null, burstFrom = null;
  json.addEventListener("input", function () {
    if (burstFrom === null) burstFrom = text();
    clearTimeout(typing);
    typing = setTimeout(function () { burstFrom = null; }, 1000);
    var parsed;
    try { parsed = JSON.parse(json.value); } catch (error) { showJsonError("Not valid JSON yet: " + error.message); return; }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) { showJsonError("A script is a JSON object."); return; }
    if (burstFrom && burstFrom !== JSON.stringify(parsed, null, 2)) {
      record(burstFrom);
      burstFrom = false;
    }
    state.script = parsed;
    showJsonError(null);
    if (state.selected && !element(state.selected)) state.selected = null;
    render();
    check();
  });
  function showJsonError(message) {
    $("json-error").hidden = !message;
    $("json-error").textContent = message || "";
  }

  // -- times -----------------------------------------------------------------------

  function parsePlay(play) {
    if (typeof play === "string") {
      var m = PLAY_RE.exec(play);
      if (m) return { ref: m[1], anchor: m[2], offset: (m[3] === "-" ? -1 : 1) * Number(m[4] || 0) };
    }
    return { ref: null, offset: typeof play === "number" ? play : 0 };
  }
  function formatPlay(ref, anchor, offset) {
    offset = fixed(offset);
    if (!offset) return ref + "." + anchor;
    return ref + "." + anchor + (offset < 0 ? " - " : " + ") + Math.abs(offset);
  }
  // Until the server has placed an element (new, or the script does not check yet): its own numbers.
  function timesOf(e) {
    if (state.times[e.id]) return state.times[e.id];
    var start = parsePlay(e.play).ref ? 0 : parsePlay(e.play).offset;
    return { start: start, end: start + (Number(e.duration) || 1) };
  }
  // Elements whose start follows ``id``'s, moved with it while it is dragged.
  function shiftFollowers(id, deltaStart, deltaEnd, seen) {
    seen = seen || {};
    elements().forEach(function (e) {
      var play = parsePlay(e.play);
      if (play.ref !== id || seen[e.id] || !state.times[e.id]) return;
      seen[e.id] = true;
      var shift = play.anchor === "start" ? deltaStart : deltaEnd;
      state.times[e.id] = { start: state.times[e.id].start + shift, end: state.times[e.id].end + shift };
      shiftFollowers(e.id, shift, shift, seen);
    });
  }
  function followers(id) {
    var found = {};
    (function walk(of) {
      elements().forEach(function (e) {
        if (parsePlay(e.play).ref === of && !found[e.id]) { found[e.id] = true; walk(e.id); }
      });
    })(id);
    return found;
  }
  // Move element ``e`` to start at ``start`` seconds: a linked start keeps its link and changes its offset.
  function setStart(e, start) {
    var play = parsePlay(e.play);
    if (play.ref && state.times[play.ref]) {
      var base = state.times[play.ref][play.anchor];
      e.play = formatPlay(play.ref, play.anchor, start - base);
    } else {
      e.play = fixed(Math.max(0, start));
    }
  }

  // -- server ----------------------------------------------------------------------

  function samplesList() {
    return state.inputs.filter(function (i) { return state.samples[i.inputID]; }).map(function (i) {
      var item = { inputID: i.inputID, type: i.type };
      item[i.type === "text" ? "text" : "mediaID"] = state.samples[i.inputID];
      return item;
    });
  }
  function post(url, body, signal) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(Object.assign({ script: state.script, inputMedias: samplesList() }, body || {}))
    });
  }
  function setStatus(message, bad) {
    $("status").textContent = message || "";
    $("status").classList.toggle("bad", !!bad);
  }

  var checkTimer = null, checking = null, checks = 0;
  function check() {
    delete frame.dataset.time;
    clearTimeout(checkTimer);
    checkTimer = setTimeout(runCheck, 120);
  }
  function runCheck() {
    if (checking) checking.abort();
    checking = new AbortController();
    var number = ++checks;
    post(data.urls.check, null, checking.signal).then(function (response) {
      return response.json().then(function (body) {
        if (number !== checks) return;
        var added = body.inputs ? setInputs(body.inputs) : false;
        if (response.ok) {
          state.error = null;
          state.times = {};
          body.items.forEach(function (item) { state.times[item.id] = { start: item.start, end: item.end }; });
          state.duration = Math.max(body.duration, 0.1);
          playhead.max = String(state.duration);
          if (state.playhead > state.duration) setPlayhead(state.duration);
          if ($("status").classList.contains("bad")) setStatus("");  // the error is gone; other news stays
          render();
          requestFrame();
        } else {
          state.error = { elements: body.elements || [], text: body.text };
          setStatus(body.text, true);
          render();
          showStageError(body.text);
          if (added) check();  // a new input or $variable has a sample now: check again with it
        }
      });
    }).catch(function (error) { if (error.name !== "AbortError") setStatus("The server cannot be reached.", true); });
  }
  var frameTimer = null, framing = null, frameUrl = null;
  // The frame shown is stale from now on (``data-time`` comes back with the new one).
  function requestFrame() {
    delete frame.dataset.time;
    clearTimeout(frameTimer);
    frameTimer = setTimeout(loadFrame, 40);
  }
  function loadFrame() {
    if (state.error) return;
    if (framing) framing.abort();
    framing = new AbortController();
    stage.classList.add("loading");
    var asked = state.playhead;
    post(data.urls.frame, { t: asked }, framing.signal).then(function (response) {
      if (response.ok) {
        var frameTime = response.headers.get("X-Frame-Time"), cache = response.headers.get("X-Frame-Cache");
        return response.blob().then(function (blob) {
          if (frameUrl) URL.revokeObjectURL(frameUrl);
          frameUrl = URL.createObjectURL(blob);
          frame.src = frameUrl;
          frame.dataset.time = frameTime;
          frame.alt = "The rendered frame at " + frameTime + " s";
          stage.classList.remove("loading");
          showStageError(null);
          $("frame-state").textContent = "frame at " + frameTime + " s" + (cache === "hit" ? " (cached)" : "");
        });
      }
      return response.json().then(function (body) {
        stage.classList.remove("loading");
        state.error = { elements: body.elements || [], text: body.text };
        setStatus(body.text, true);
        showStageError(body.text);
        render();
      });
    }).catch(function (error) { if (error.name !== "AbortError") stage.classList.remove("loading"); });
  }
  function showStageError(message) {
    $("stage-error").hidden = !message;
    $("stage-error").textContent = message || "";
  }

  // -- the playhead ----------------------------------------------------------------

  function setPlayhead(seconds) {
    state.playhead = Math.min(Math.max(0, seconds), state.duration);
    playhead.value = String(state.playhead);
    $("time").textContent = state.playhead.toFixed(2) + " s";
    placePlayhead();
    renderBoxes();
    requestFrame();
  }
  playhead.addEventListener("input", function () { setPlayhead(Number(playhead.value)); });
  ruler.addEventListener("pointerdown", function (event) {
    var box = ruler.getBoundingClientRect();
    setPlayhead((event.clientX - box.left) / pixelsPerSecond());
  });
  function pixelsPerSecond() { return Math.max(ruler.clientWidth, 1) / Math.max(state.duration, 0.1); }
  function placePlayhead() { $("tl-playhead").style.left = state.playhead * pixelsPerSecond() + "px"; }

  // -- rendering -------------------------------------------------------------------

  function isError(e, index) {
    return !!state.error && (state.error.elements.indexOf(e.id) >= 0 || state.error.elements.indexOf("#" + index) >= 0);
  }
  var dragging = false;  // a drag holds the pointer capture of a bar or box: no rebuild until it ends
  function render() {
    if (dragging) return;
    renderTimeline();
    renderBoxes();
    renderProps();
    renderSamples();
  }
  function node(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") n.textContent = attrs[key];
      else if (key === "className") n.className = attrs[key];
      else n.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) n.appendChild(child); });
    return n;
  }

  function renderTimeline() {
    ruler.textContent = "";
    var step = state.duration > 30 ? 5 : state.duration > 8 ? 1 : 0.5;
    for (var t = 0; t <= state.duration + 1e-6; t += step) {
      var tick = node("span", { className: "tl-tick" + (t > state.duration * 0.95 ? " last" : ""), text: fixed(t) + "s" });
      tick.style.left = (t / Math.max(state.duration, 0.1)) * 100 + "%";
      ruler.appendChild(tick);
    }
    var focused = rows.contains(document.activeElement) ? document.activeElement.getAttribute("data-id") : null;
    rows.textContent = "";
    if (!elements().length) rows.appendChild(node("p", { className: "tl-empty", text: "No elements yet: add one above." }));
    elements().forEach(function (e, index) {
      var times = timesOf(e), play = parsePlay(e.play), bad = isError(e, index);
      var bar = node("div", {
        className: "tl-bar" + (e.id === state.selected ? " selected" : "") + (bad ? " has-error" : ""),
        tabindex: "0", role: "button", "data-id": e.id, "data-type": e.type,
        "aria-label": e.id + ", " + e.type + ", from " + fixed(times.start) + " s to " + fixed(times.end) + " s" +
          (play.ref ? ", starts at " + e.play : "") + (bad ? ", error: " + state.error.text : ""),
        title: bad ? state.error.text : e.id + " " + fixed(times.start) + "–" + fixed(times.end) + " s"
      }, [
        node("span", { text: e.id }),
        play.ref ? node("span", { className: "link", text: "⟵ " + e.play }) : null,
        node("span", { className: "handle", "aria-hidden": "true" })
      ]);
      var label = node("div", { className: "tl-label", "data-id": e.id }, [
        node("strong", { text: e.id || "#" + index }), document.createTextNode(" "), node("span", { className: "kind", text: e.type })
      ]);
      rows.appendChild(node("div", { className: "tl-row" + (e.id === state.selected ? " selected" : ""), "data-row": e.id },
                            [label, node("div", { className: "tl-track" }, [bar])]));
    });
    positionBars();
    refocus(rows, '.tl-bar[data-id="' + focused + '"]', focused);
  }
  // A rebuilt bar or box keeps the keyboard focus its predecessor had.
  function refocus(within, selector, id) {
    var again = id && within.querySelector(selector);
    if (again) again.focus();
  }
  // Bars in percent of the timeline's length, so they fit any width.
  function positionBars() {
    var length = Math.max(state.duration, 0.1);
    rows.querySelectorAll(".tl-bar").forEach(function (bar) {
      var e = element(bar.getAttribute("data-id"));
      if (!e) return;
      var times = timesOf(e);
      bar.style.left = (times.start / length) * 100 + "%";
      bar.style.width = ((times.end - times.start) / length) * 100 + "%";
      // Fades as light ends of the bar.
      var fadeIn = (Number(e.fadeIn) || 0) / (times.end - times.start) * 100;
      var fadeOut = 100 - (Number(e.fadeOut) || 0) / (times.end - times.start) * 100;
      bar.style.backgroundImage = fadeIn || fadeOut < 100 ? "linear-gradient(to right, rgba(255,255,255,.5), rgba(255,255,255,0) " +
        fadeIn + "%, rgba(255,255,255,0) " + fadeOut + "%, rgba(255,255,255,.5))" : "";
    });
    placePlayhead();
  }

  function boxOf(e) {
    var size = canvas(), x = Number(e.x) || 0, y = Number(e.y) || 0;
    return { x: x, y: y, w: e.width ? Number(e.width) : size[0] - x, h: e.height ? Number(e.height) : size[1] - y };
  }
  // A box over the stage, in percent of the design canvas (so it fits any stage width).
  function place(box, b) {
    var size = canvas();
    box.style.left = (b.x / size[0]) * 100 + "%";
    box.style.top = (b.y / size[1]) * 100 + "%";
    box.style.width = (b.w / size[0]) * 100 + "%";
    box.style.height = (b.h / size[1]) * 100 + "%";
  }
  function renderBoxes() {
    stage.style.aspectRatio = profileSize[0] + " / " + profileSize[1];
    var focused = boxes.contains(document.activeElement) ? document.activeElement.getAttribute("data-box") : null;
    boxes.textContent = "";
    elements().forEach(function (e, index) {
      if (e.type === "audio") return;
      var times = timesOf(e);
      if (!(state.playhead >= times.start && state.playhead < times.end) && e.id !== state.selected) return;
      var b = boxOf(e);
      var box = node("div", {
        className: "box" + (e.id === state.selected ? " selected" : "") + (isError(e, index) ? " has-error" : ""),
        tabindex: "0", role: "button", "data-box": e.id,
        "aria-label": e.type + " " + e.id + " at " + b.x + ", " + b.y + ", " + b.w + " by " + b.h + " pixels"
      }, [node("span", { className: "box-label", text: e.id }), node("span", { className: "handle", "aria-hidden": "true" })]);
      place(box, b);
      boxes.appendChild(box);
    });
    refocus(boxes, '[data-box="' + focused + '"]', focused);
  }

  // -- selection, dragging and keys ------------------------------------------------------

  function select(id, focus) {
    state.selected = id;
    render();
    if (focus) {
      var target = document.querySelector(focus + '[data-' + (focus === ".box" ? "box" : "id") + '="' + id + '"]');
      if (target) target.focus();
    }
  }
  rows.addEventListener("click", function (event) {
    var target = event.target.closest("[data-id]");
    if (target) select(target.getAttribute("data-id"), ".tl-bar");
  });
  boxes.addEventListener("click", function (event) {
    var target = event.target.closest("[data-box]");
    if (target && target.getAttribute("data-box") !== state.selected) select(target.getAttribute("data-box"), ".box");
  });

  // Edges (seconds) a dragged bar snaps to: the other elements' starts and ends, zero, the playhead.
  function edges(except) {
    var skip = followers(except), found = [0, state.playhead];
    skip[except] = true;
    elements().forEach(function (e) {
      if (skip[e.id] || !state.times[e.id]) return;
      found.push(state.times[e.id].start, state.times[e.id].end);
    });
    return found;
  }
  function snap(value, candidates, pps) {
    var best = null;
    candidates.forEach(function (c) {
      if (Math.abs(c - value) * pps <= SNAP_PX && (best === null || Math.abs(c - value) < Math.abs(best - value))) best = c;
    });
    return best;
  }

  // Follow the pointer pressed on ``target``: ``move(ev)`` answers whether it changed anything; a drag that did
  // is one undo step, written into the JSON and checked when the pointer is released.
  function follow(target, event, move, done) {
    var before = text(), moved = false;
    target.setPointerCapture(event.pointerId);
    dragging = true;
    function onMove(ev) { if (move(ev)) moved = true; }
    function up() {
      target.removeEventListener("pointermove", onMove);
      target.removeEventListener("pointerup", up);
      target.removeEventListener("pointercancel", up);
      dragging = false;
      if (!moved) { render(); return; }
      record(before);
      changed();
      if (done) done();
    }
    target.addEventListener("pointermove", onMove);
    target.addEventListener("pointerup", up);
    target.addEventListener("pointercancel", up);
  }

  // The element whose bar or box (``selector`` carrying its id in ``attr``) the pointer pressed, selected:
  // its id, its script object, its node as drawn selected, and whether its resize handle was pressed.
  function pressed(event, within, selector, attr) {
    var target = event.target.closest(selector), id = target && target.getAttribute(attr), e = id && element(id);
    if (!e) return null;
    event.preventDefault();
    if (state.selected !== id) select(id);
    return { id: id, e: e, node: within.querySelector(selector + "[" + attr + '="' + id + '"]'),
             resizing: event.target.classList.contains("handle") };
  }

  rows.addEventListener("pointerdown", function (event) {
    var hit = pressed(event, rows, ".tl-bar", "data-id");
    if (!hit) return;
    var id = hit.id, e = hit.e, bar = hit.node, resizing = hit.resizing;
    var origin = event.clientX, pps = pixelsPerSecond(), from = timesOf(e), candidates = edges(id);
    var saved = JSON.parse(JSON.stringify(state.times)), started = false;
    follow(bar, event, function (ev) {
      var dt = (ev.clientX - origin) / pps;
      if (!started && Math.abs(ev.clientX - origin) < 2) return false;
      started = true;
      state.times = JSON.parse(JSON.stringify(saved));
      var snapped = false;
      if (resizing) {
        var end = Math.max(from.start + 0.1, round(from.end + dt, 0.05));
        var endSnap = snap(from.end + dt, candidates, pps);
        if (endSnap !== null && endSnap > from.start) { end = endSnap; snapped = true; }
        e.duration = fixed(end - from.start);
        state.times[id] = { start: from.start, end: end };
        shiftFollowers(id, 0, end - from.end);
      } else {
        var start = Math.max(0, round(from.start + dt, 0.05)), length = from.end - from.start;
        var startSnap = snap(from.start + dt, candidates, pps), endSnap2 = snap(from.end + dt, candidates, pps);
        if (startSnap !== null) { start = startSnap; snapped = true; } else if (endSnap2 !== null) { start = endSnap2 - length; snapped = true; }
        start = Math.max(0, start);
        setStart(e, start);
        state.times[id] = { start: start, end: start + length };
        shiftFollowers(id, start - from.start, start - from.start);
      }
      positionBars();  // not rebuilt: the bar holding the pointer capture must stay in the page
      bar.classList.toggle("snapped", snapped);
      return true;
    });
  });

  boxes.addEventListener("pointerdown", function (event) {
    var hit = pressed(event, boxes, ".box", "data-box");
    if (!hit) return;
    var id = hit.id, e = hit.e, target = hit.node, resizing = hit.resizing;
    var size = canvas(), scale = size[0] / boxes.clientWidth, scaleY = size[1] / boxes.clientHeight;
    var ox = event.clientX, oy = event.clientY, from = boxOf(e);
    follow(target, event, function (ev) {
      var dx = Math.round((ev.clientX - ox) * scale), dy = Math.round((ev.clientY - oy) * scaleY);
      if (!dx && !dy) return false;
      if (resizing) {
        e.width = Math.max(1, from.w + dx);
        e.height = Math.max(1, from.h + dy);
      } else {
        e.x = from.x + dx;
        e.y = from.y + dy;
        e.width = from.w;
        e.height = from.h;
      }
      place(target, boxOf(e));
      return true;
    }, function () {
      var again = boxes.querySelector('[data-box="' + id + '"]');
      if (again) again.focus();
    });
  });

  function remove(id) {
    var index = elements().findIndex(function (e) { return e.id === id; });
    if (index < 0) return;
    record();
    state.script.elements.splice(index, 1);
    state.selected = null;
    changed();
    setStatus("Removed " + id + ". Ctrl+Z brings it back.");
  }

  document.addEventListener("keydown", function (event) {
    var key = event.key, ctrl = event.ctrlKey || event.metaKey;
    var inField = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) && event.target !== playhead;
    if (ctrl && !inField && (key === "z" || key === "Z" || key === "y")) {
      event.preventDefault();
      if (key === "y" || event.shiftKey) restore(state.redo, state.undo); else restore(state.undo, state.redo);
      return;
    }
    var bar = event.target.closest && event.target.closest(".tl-bar"), box = event.target.closest && event.target.closest("[data-box]");
    if (!bar && !box) return;
    var id = bar ? bar.getAttribute("data-id") : box.getAttribute("data-box"), e = element(id);
    if (!e) return;
    if (key === "Delete" || key === "Backspace") { event.preventDefault(); remove(id); return; }
    if (key === "Enter" || key === " ") { event.preventDefault(); select(id, bar ? ".tl-bar" : ".box"); return; }
    var arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    var d = arrows[key];
    if (!d || (bar && !d[0])) return;  // a bar moves in time only
    event.preventDefault();
    record();
    state.selected = id;
    if (bar) {
      var step = (event.shiftKey ? 1 : 0.1) * d[0], times = timesOf(e);
      if (event.altKey) {
        e.duration = fixed(Math.max(0.1, times.end - times.start + step));
      } else {
        setStart(e, Math.max(0, times.start + step));
      }
    } else {
      var b = boxOf(e), px = event.shiftKey ? 10 : 1;
      e.x = b.x + d[0] * px;
      e.y = b.y + d[1] * px;
      e.width = b.w;
      e.height = b.h;
    }
    changed();
    select(id, bar ? ".tl-bar" : ".box");
  });

  // -- properties ------------------------------------------------------------------

  var FIELDS = {
    common: [["id", "Id", "text"], ["play", "Starts (seconds, or e.g. intro.end + 0.5)", "text"], ["duration", "Duration (s)", "number"]],
    box: [["x", "X", "number"], ["y", "Y", "number"], ["width", "Width", "number"], ["height", "Height", "number"]],
    words: [["text", "Text ($name is a variable)", "textarea"], ["font", "Font", "font"], ["size", "Font size", "number"],
            ["color", "Colour", "colour"]],
    fades: [["fadeIn", "Fade in (s)", "number"], ["fadeOut", "Fade out (s)", "number"]]
  };
  function fieldsOf(e) {
    var list = FIELDS.common.slice();
    if (e.type !== "audio") list = list.concat(FIELDS.box);
    if (e.type === "text" || e.type === "cta") list = list.concat(FIELDS.words);
    if (e.type === "cta") list.push(["url", "Link (URL)", "text"], ["background", "Box colour", "colour"]);
    if (e.type === "rectangle") list.push(["color", "Colour", "colour"]);
    if (e.type !== "rectangle") list = list.concat(FIELDS.fades);
    if (e.type === "video" || e.type === "audio") list.push(["volume", "Volume (0–2)", "number"]);
    if (e.type === "image") list.push(["zoom", "Zoom at the end (1–3)", "number"]);
    if (e.type === "video" || e.type === "audio" || e.type === "image") list.push(["source", "Source", "source"]);
    return list;
  }

  function setField(e, name, value) {
    if (name === "id") {
      var old = e.id;
      if (!value || value === old) return;
      elements().forEach(function (other) {
        var play = parsePlay(other.play);
        if (play.ref === old) other.play = formatPlay(value, play.anchor, play.offset);
      });
      e.id = value;
      state.selected = value;
      return;
    }
    if (value === "" || value === null) { delete e[name]; return; }
    if (name === "play") { e.play = /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value; return; }
    e[name] = value;
  }

  function input(e, field) {
    var name = field[0], label = field[1], kind = field[2], id = "prop-" + name, value = e[name];
    var wrap = node("div", { className: "prop", "data-prop": name });
    wrap.appendChild(node("label", { "for": id, text: label }));
    var control;
    if (kind === "textarea") {
      control = node("textarea", { id: id, rows: "2" });
      control.value = value || "";
    } else if (kind === "font") {
      control = node("select", { id: id }, ["sans", "serif", "mono"].map(function (f) { return node("option", { value: f, text: f }); }));
      control.value = (value || "sans").toLowerCase();
    } else if (kind === "colour") {
      control = node("input", { id: id, type: "text", placeholder: "#RRGGBB or #RRGGBBAA", spellcheck: "false" });
      control.value = value || "";
      var swatch = node("input", { type: "color", "aria-label": label + " (picker)" });
      swatch.value = /^#[0-9A-Fa-f]{6}/.test(value || "") ? value.slice(0, 7).toLowerCase() : (name === "color" && e.type !== "rectangle" ? "#ffffff" : "#000000");
      swatch.addEventListener("change", function () {
        record();
        setField(e, name, swatch.value.toUpperCase() + ((value || "").length === 9 ? value.slice(7) : ""));
        changed();
      });
      wrap.appendChild(node("div", { className: "colour" }, [swatch, control]));
    } else if (kind === "source") {
      wrap.appendChild(sourcePicker(e));
      return wrap;
    } else {
      control = node("input", { id: id, type: kind === "number" ? "number" : "text", step: "any", spellcheck: "false" });
      control.value = value === undefined || value === null ? "" : String(value);
    }
    control.addEventListener("change", function () {
      var v = control.value.trim();
      if (kind === "number" && v !== "") v = Number(v);
      record();
      setField(e, name, v);
      changed();
    });
    if (kind !== "colour") wrap.appendChild(control);
    return wrap;
  }

  function thumb(media) {
    if (media.kind === "image") return node("img", { src: media.url, alt: "", loading: "lazy" });
    if (media.kind === "video") return node("video", { src: media.url, muted: "", preload: "metadata" });
    return node("span", { className: "glyph", text: "♪" });
  }
  function sourcePicker(e) {
    var source = e.source || {};
    var options = data.library.filter(function (m) { return m.kind === e.type; }).map(function (m) {
      return { key: "mediaID", value: m.id, label: m.name, media: m };
    });
    (state.script.inputs || []).forEach(function (i) {
      if (i.type === e.type) options.push({ key: "input", value: i.inputID, label: "input " + i.inputID });
    });
    var box = node("div", { className: "picker", role: "group", "aria-label": "Source of " + e.id });
    options.forEach(function (option) {
      var chosen = source[option.key] === option.value;
      var button = node("button", { type: "button", className: "pick", "aria-pressed": chosen ? "true" : "false", "data-source": option.value,
                                    title: option.label },
                        [option.media ? thumb(option.media) : node("span", { className: "glyph", text: "⇢" }), node("span", { text: option.label })]);
      button.addEventListener("click", function () {
        record();
        e.source = {};
        e.source[option.key] = option.value;
        changed();
      });
      box.appendChild(button);
    });
    if (!options.length) box.appendChild(node("p", { className: "small muted", text: "No " + e.type + " in the media library yet." }));
    return node("div", {}, [node("span", { className: "label", text: "Source (media library or an input)" }), box]);
  }

  function renderProps() {
    var e = state.selected && element(state.selected);
    var active = document.activeElement && props.contains(document.activeElement) ? document.activeElement.id : null;
    props.textContent = "";
    if (!e) {
      $("props-title").textContent = "Element";
      props.appendChild(node("p", { className: "muted small", text: "Select an element on the stage or the timeline." }));
      return;
    }
    $("props-title").textContent = "Element “" + e.id + "” (" + e.type + ")";
    var index = elements().indexOf(e);
    if (isError(e, index)) props.appendChild(node("div", { className: "error-box", role: "alert", "data-element-error": e.id, text: state.error.text }));
    fieldsOf(e).forEach(function (field) { props.appendChild(input(e, field)); });
    var del = node("button", { type: "button", className: "btn danger small", text: "Remove element" });
    del.addEventListener("click", function () { remove(e.id); });
    props.appendChild(node("p", {}, [del]));
    if (active && $(active)) $(active).focus();
  }

  // -- sample values ---------------------------------------------------------------

  // The inputs the script takes; each new one gets a sample (a $variable its own name, a media the
  // library's first of its kind). Answers whether any did.
  function setInputs(inputs) {
    var added = false;
    state.inputs = inputs;
    inputs.forEach(function (i) {
      if (state.samples[i.inputID]) return;
      var first = data.library.find(function (m) { return m.kind === i.type; });
      var value = i.type === "text" ? i.inputID : first && first.id;
      if (value) { state.samples[i.inputID] = value; added = true; }
    });
    return added;
  }
  function renderSamples() {
    var box = $("samples");
    var active = document.activeElement && box.contains(document.activeElement) ? document.activeElement.id : null;
    box.textContent = "";
    if (!state.inputs.length) box.appendChild(node("p", { className: "small muted", text: "This script takes no inputs." }));
    state.inputs.forEach(function (i) {
      var id = "sample-" + i.inputID, control;
      box.appendChild(node("label", { "for": id, text: i.type === "text" ? "$" + i.inputID : i.inputID + " (" + i.type + ")" }));
      if (i.type === "text") {
        control = node("input", { id: id, type: "text" });
        control.value = state.samples[i.inputID] || "";
        control.addEventListener("input", function () { state.samples[i.inputID] = control.value; check(); });
        box.appendChild(control);
      } else {
        var medias = data.library.filter(function (m) { return m.kind === i.type; });
        control = node("select", { id: id }, medias.map(function (m) { return node("option", { value: m.id, text: m.name }); }));
        control.value = state.samples[i.inputID] || "";
        control.addEventListener("change", function () { state.samples[i.inputID] = control.value; render(); check(); });
        box.appendChild(control);
        var chosen = medias.find(function (m) { return m.id === control.value; });
        if (chosen && chosen.kind === "image") box.appendChild(node("img", { className: "sample-thumb", src: chosen.url, alt: "" }));
      }
    });
    if (active && $(active)) $(active).focus();
  }

  // -- adding, saving, the clip ------------------------------------------------------

  function newId(type) {
    var n = 1;
    while (element(type + n)) n += 1;
    return type + n;
  }
  document.querySelector(".add-bar").addEventListener("click", function (event) {
    var type = event.target.getAttribute("data-add");
    if (TYPES.indexOf(type) < 0) return;
    record();
    var size = canvas(), e = { id: newId(type), type: type, play: fixed(state.playhead), duration: 2 };
    if (type === "text") Object.assign(e, { text: "New text", size: Math.round(size[1] / 10), y: Math.round(size[1] * 0.4), height: Math.round(size[1] / 5) });
    if (type === "rectangle") Object.assign(e, { color: "#4F46E5AA", x: Math.round(size[0] / 4), y: Math.round(size[1] / 4), width: Math.round(size[0] / 2), height: Math.round(size[1] / 2) });
    if (type === "cta") Object.assign(e, { text: "Learn more", url: "https://example.com", y: Math.round(size[1] * 0.75), height: Math.round(size[1] / 6) });
    if (type === "image" || type === "video" || type === "audio") {
      var media = data.library.find(function (m) { return m.kind === type; });
      e.source = media ? { mediaID: media.id } : { mediaID: "" };
    }
    if (!Array.isArray(state.script.elements)) state.script.elements = [];
    state.script.elements.push(e);
    state.selected = e.id;
    changed();
    select(e.id, ".tl-bar");
  });

  // Saving or previewing while the JSON box holds text that does not parse would use the last script
  // that did, not what is on screen: say so instead.
  function jsonPending() {
    if ($("json-error").hidden) return false;
    setStatus("The JSON does not parse yet: fix it first.", true);
    return true;
  }
  var savedText = text();
  window.addEventListener("beforeunload", function (event) {
    if (text() !== savedText || !$("json-error").hidden) event.preventDefault();
  });

  $("save").addEventListener("click", function () {
    if (jsonPending()) return;
    var saving = text();
    setStatus("Saving…");
    post(data.urls.save).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) { savedText = saving; setStatus("Saved."); return; }
        state.error = { elements: body.elements || [], text: body.text };
        setStatus("Not saved: " + body.text, true);
        render();
      });
    }).catch(function () { setStatus("The server cannot be reached.", true); });
  });

  $("preview-clip").addEventListener("click", function () {
    if (jsonPending()) return;
    var button = $("preview-clip");
    button.disabled = true;
    setStatus("Rendering a preview clip…");
    post(data.urls.clip).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { setStatus(body.text, true); return; }
        $("clip-card").hidden = false;
        $("clip-player").src = body.url;
        setStatus(body.cached ? "Preview clip (made before, unchanged since)." : "Preview clip ready.");
      });
    }).catch(function () { setStatus("The server cannot be reached.", true); })
      .then(function () { button.disabled = false; });
  });

  $("undo").addEventListener("click", function () { restore(state.undo, state.redo); });
  $("redo").addEventListener("click", function () { restore(state.redo, state.undo); });
  window.addEventListener("resize", placePlayhead);

  json.value = text();
  updateHistory();
  render();
  setPlayhead(0);
  check();
})();
