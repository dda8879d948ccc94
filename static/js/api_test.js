// The API Test page: the Method list comes from the barrister IDL; Execute POSTs
// the JSON-RPC request to /api and shows exactly what was sent and received.
(function () {
  "use strict";
  var idl = JSON.parse(document.getElementById("idl-data").textContent);
  var iface = idl.filter(function (e) { return e.type === "interface"; })[0];
  var structs = {};
  idl.filter(function (e) { return e.type === "struct"; }).forEach(function (s) { structs[s.name] = s; });
  var select = document.getElementById("method");
  var doc = document.getElementById("method-doc");
  var params = document.getElementById("params");
  var functions = {};
  iface.functions.forEach(function (fn) {
    functions[fn.name] = fn;
    var option = document.createElement("option");
    option.value = fn.name;
    option.textContent = fn.name;
    select.appendChild(option);
  });

  function typeName(t) { return (t.is_array ? "[]" : "") + t.type + (t.optional ? "?" : ""); }
  function sample(t) {
    if (t.is_array) return [];
    if (t.type === "string") return "";
    if (t.type === "int" || t.type === "float") return 0;
    if (t.type === "bool") return false;
    return {};
  }
  function describe() {
    var fn = functions[select.value];
    if (!fn) return;
    var sig = fn.params.map(function (p) { return p.name + ": " + typeName(p); }).join(", ");
    doc.textContent = fn.name + "(" + sig + ") → " + typeName(fn.returns) + (fn.comment ? " — " + fn.comment : "");
    var values = fn.params.filter(function (p) { return !p.optional; }).map(sample);
    params.value = JSON.stringify(values, null, 2);
  }
  select.addEventListener("change", describe);
  var preferred = functions.Account_Get ? "Account_Get" : iface.functions[0].name;
  select.value = preferred;
  describe();

  var counter = 0;
  var responsePane = document.getElementById("response-pane");

  // The JSON-RPC body of the form, or null (and a message) when Params is not JSON.
  function callBody() {
    try {
      return { jsonrpc: "2.0", method: iface.name + "." + select.value, params: JSON.parse(params.value || "[]"), id: counter + 1 };
    } catch (err) {
      responsePane.textContent = "Params are not valid JSON: " + err.message;
      return null;
    }
  }
  function callQuery(secret) {
    return "?accountID=" + encodeURIComponent(document.getElementById("account-id").value.trim()) +
      "&accountSecret=" + encodeURIComponent(secret);
  }
  function shellQuote(text) { return "'" + text.replace(/'/g, "'\\''") + "'"; }

  // "Copy as cURL": the same call as a command line, with the secret left as a placeholder.
  document.getElementById("copy-curl").addEventListener("click", function () {
    var body = callBody();
    if (!body) return;
    var url = window.location.origin + window.RPC_URL + callQuery("YOUR_ACCOUNT_SECRET");
    var command = "curl -sS -X POST " + shellQuote(url) + " \\\n  -H 'Content-Type: application/json' \\\n  -d " +
      shellQuote(JSON.stringify(body, null, 2)) + "\n";
    document.getElementById("curl-pane").textContent = command;
    document.getElementById("curl-block").hidden = false;
    var button = this;
    if (navigator.clipboard) {
      navigator.clipboard.writeText(command).then(function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy as cURL"; }, 1500);
      }, function () { /* no clipboard permission: the command is shown below */ });
    }
  });

  document.getElementById("api-test-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var requestPane = document.getElementById("request-pane");
    var body = callBody();
    if (!body) return;
    counter += 1;
    var query = callQuery(document.getElementById("account-secret").value.trim());
    var text = JSON.stringify(body, null, 2);
    requestPane.textContent = "POST " + window.RPC_URL + query.replace(/accountSecret=[^&]*/, "accountSecret=•••") + "\n\n" + text;
    responsePane.textContent = "…";
    var button = document.getElementById("execute");
    button.disabled = true;
    fetch(window.RPC_URL + query, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: text,
      credentials: "omit"
    }).then(function (response) {
      return response.text().then(function (raw) {
        var shown = raw;
        try { shown = JSON.stringify(JSON.parse(raw), null, 2); } catch (err) { /* show as is */ }
        responsePane.textContent = "HTTP " + response.status + "\n\n" + shown;
      });
    }).catch(function (err) {
      responsePane.textContent = "Network error: " + err.message;
    }).finally(function () { button.disabled = false; });
  });
})();
