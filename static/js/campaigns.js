// Campaigns: the creation wizard (live audience count, three-recipient preview, mapping checks)
// and the live progress of a campaign page. Talks to /v1/campaigns with the dashboard session.
(function () {
  "use strict";

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function show(el, on) { if (el) el.hidden = !on; }

  function fill(table, head, rows) {
    table.querySelector("thead").innerHTML = "";
    table.querySelector("tbody").innerHTML = "";
    var tr = document.createElement("tr");
    head.forEach(function (h) { var th = document.createElement("th"); th.textContent = h; tr.appendChild(th); });
    table.querySelector("thead").appendChild(tr);
    rows.forEach(function (cells) {
      var row = document.createElement("tr");
      cells.forEach(function (cell) {
        var td = document.createElement("td");
        if (cell && cell.missing) { td.className = "missing"; td.textContent = "missing"; } else { td.textContent = cell; }
        row.appendChild(td);
      });
      table.querySelector("tbody").appendChild(row);
    });
    show(table, rows.length > 0);
  }

  // -- the wizard ----------------------------------------------------------------------------
  var form = document.getElementById("wizard");
  if (form) {
    var templates = JSON.parse(document.getElementById("campaign-templates").textContent);
    var step = 1, csvText = null, lastPreview = null, timer = null;

    var template = function () {
      var id = form.templateId.value;
      return templates.filter(function (t) { return t.id === id; })[0] || null;
    };
    var source = function () { return form.querySelector("input[name=source]:checked").value; };
    var audience = function () {
      return source() === "where" ? { where: form.where.value.trim() } : { csv: csvText || "" };
    };
    var mapping = function () {
      var fields = {};
      form.querySelectorAll("[data-mapping] input").forEach(function (input) {
        if (input.value.trim()) fields[input.name.slice(6)] = input.value.trim();
      });
      return fields;
    };

    var setError = function (name, message) {
      var el = form.querySelector('[data-error="' + name + '"]');
      if (!el) el = form.querySelector('[data-error="other"]');
      el.textContent = message || "";
      show(el, !!message);
    };
    var clearErrors = function () { form.querySelectorAll("[data-error]").forEach(function (el) { show(el, false); }); };

    var renderMapping = function () {
      var t = template(), box = form.querySelector("[data-mapping]");
      var columns = lastPreview ? lastPreview.columns : [];
      box.innerHTML = "";
      (t ? t.inputs : []).forEach(function (name) {
        var guess = columns.filter(function (c) { return c.toLowerCase() === name.toLowerCase(); })[0] ||
          (name.toLowerCase() === "name" && columns.indexOf("first_name") >= 0 ? 'first_name|"friend"' : "");
        var wrap = document.createElement("div");
        wrap.className = "field";
        var required = t.required.indexOf(name) >= 0;
        wrap.innerHTML = '<label></label><input autocomplete="off"><p class="field-error" hidden></p>';
        wrap.querySelector("label").textContent = name + (required ? "" : " (optional)");
        var input = wrap.querySelector("input");
        input.name = "field-" + name;
        input.id = "map-" + name;
        wrap.querySelector("label").htmlFor = input.id;
        input.value = guess;
        input.addEventListener("input", schedulePreview);
        box.appendChild(wrap);
      });
      form.querySelector("[data-columns]").textContent = columns.join(", ");
    };

    var showPreview = function (data) {
      lastPreview = data;
      form.querySelector("[data-count]").textContent = data.total.toLocaleString();
      fill(form.querySelector("[data-preview]"), ["first recipients", "email"], data.preview.map(function (p) {
        return [p.key, p.email];
      }));
      var t = template(), inputs = t ? t.inputs : [];
      fill(form.querySelector("[data-mapped]"), ["recipient"].concat(inputs), data.preview.map(function (p) {
        return [p.email || p.key].concat(inputs.map(function (name) {
          return name in p.values ? p.values[name] : { missing: p.missing.indexOf(name) >= 0 };
        }));
      }));
      form.querySelectorAll("[data-mapping] .field").forEach(function (wrap) {
        var name = wrap.querySelector("input").name.slice(6), error = wrap.querySelector(".field-error");
        var unknown = data.unknownColumns[name];
        error.textContent = unknown ? "No such column: " + unknown.join(", ") : "";
        show(error, !!unknown);
      });
    };

    var preview = function () {
      var body = { audience: audience() };
      var fields = mapping();
      if (Object.keys(fields).length) body.fields = fields;
      fetch(form.dataset.previewUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok) {
          var error = result.data.error || {};
          var param = (error.param || "").indexOf("fields") === 0 ? "fields" : "audience";
          setError(param, error.message);
          form.querySelector("[data-count]").textContent = "–";
          return;
        }
        setError("audience", ""); setError("fields", "");
        var firstTime = !lastPreview || lastPreview.columns.join() !== result.data.columns.join();
        lastPreview = result.data;
        if (firstTime) renderMapping();
        showPreview(result.data);
      });
    };
    var schedulePreview = function () { clearTimeout(timer); timer = setTimeout(preview, 250); };

    var go = function (next) {
      step = next;
      form.querySelectorAll("[data-step]").forEach(function (s) { show(s, +s.dataset.step === step); });
      document.querySelectorAll("[data-step-tab]").forEach(function (tab) {
        var n = +tab.dataset.stepTab;
        tab.className = n === step ? "current" : n < step ? "done" : "";
      });
      show(form.querySelector("[data-back]"), step > 1);
      show(form.querySelector("[data-next]"), step < 4);
      show(form.querySelector("[data-create]"), step === 4);
      if (step === 2) preview();
      if (step === 3) { renderMapping(); preview(); }
    };

    form.querySelector("[data-next]").addEventListener("click", function () {
      clearErrors();
      if (step === 1 && !template()) { setError("templateId", "Choose a template."); return; }
      if (step === 2 && (!lastPreview || !lastPreview.total)) { setError("audience", "The audience selects no recipients."); return; }
      if (step === 3) {
        var t = template(), fields = mapping();
        var unmapped = t.required.filter(function (name) { return !(name in fields); });
        if (unmapped.length) { setError("fields", "Give a value for " + unmapped.join(", ") + "."); return; }
        if (lastPreview && Object.keys(lastPreview.unknownColumns).length) { setError("fields", "Fix the unknown columns first."); return; }
      }
      go(step + 1);
    });
    form.querySelector("[data-back]").addEventListener("click", function () { clearErrors(); go(step - 1); });
    form.where.addEventListener("input", schedulePreview);
    form.templateId.addEventListener("change", function () { lastPreview = null; });
    form.querySelectorAll("input[name=source]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        show(form.querySelector('[data-source="where"]'), source() === "where");
        show(form.querySelector('[data-source="csv"]'), source() === "csv");
        lastPreview = null;
        schedulePreview();
      });
    });
    form.file.addEventListener("change", function () {
      var file = form.file.files[0];
      if (!file) return;
      file.text().then(function (text) { csvText = text; lastPreview = null; preview(); });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors();
      var headers = { "X-CSRFToken": csrf() }, body;
      var common = {
        name: form.name.value.trim() || "Campaign", templateId: form.templateId.value,
        mode: form.querySelector("input[name=mode]:checked").value, linkTtlDays: +form.linkTtlDays.value || 30
      };
      if (source() === "csv" && form.file.files[0]) {
        body = new FormData();
        Object.keys(common).forEach(function (key) { body.append(key, common[key]); });
        body.append("fields", JSON.stringify(mapping()));
        body.append("file", form.file.files[0]);
      } else {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(Object.assign(common, { audience: audience(), fields: mapping() }));
      }
      var button = form.querySelector("[data-create]");
      button.disabled = true;
      fetch(form.dataset.createUrl, { method: "POST", credentials: "same-origin", headers: headers, body: body })
        .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, data: data }; }); })
        .then(function (result) {
          button.disabled = false;
          if (result.ok) { window.location = form.dataset.detailUrl + result.data.id + "/"; return; }
          var error = result.data.error || {};
          setError((error.param || "other").split(".")[0], error.message || "Something went wrong.");
        });
    });
    go(1);
  }

  // -- live progress of a campaign ---------------------------------------------------------------
  var live = document.querySelector("[data-progress-url]");
  if (live) {
    var render = function (data) {
      var total = Math.max(data.total, 1);
      ["done", "failed", "rendering"].forEach(function (key) {
        live.querySelector(".progress-bar ." + key).style.width = (100 * data[key] / total) + "%";
      });
      ["done", "failed", "pending", "rendering", "total", "status", "rendersPerMinute"].forEach(function (key) {
        var el = live.querySelector('[data-stat="' + key + '"]');
        if (el) el.textContent = data[key];
      });
      var eta = live.querySelector('[data-stat="eta"]');
      if (eta) eta.textContent = data.etaSeconds == null ? "–" : Math.ceil(data.etaSeconds / 60) + " min";
      return data.status === "queued" || data.status === "running";
    };
    var poll = function () {
      fetch(live.dataset.progressUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var wasRunning = live.dataset.running === "1";
          var running = render(data);
          if (running) setTimeout(poll, 2000);
          else if (wasRunning) window.location.reload();  // the table shows the final state
        });
    };
    if (live.dataset.running === "1") setTimeout(poll, 2000);
  }
})();
