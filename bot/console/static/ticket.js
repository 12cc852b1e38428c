// Ticket page: new messages appear live (polling the JSON feed), canned replies
// expand from their short code, Ctrl/⌘+Enter sends the reply. Text is always set
// with textContent.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  if (!list) { return; }
  var number = list.dataset.number;
  var last = parseInt(list.dataset.last, 10);
  var names = { user: "客户", bot: "机器人", staff: "客服 " };

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls; s.textContent = text; return s;
  }

  // Correction controls for a message that arrived after the page was drawn
  // (the page's own <template>, which carries the form's CSRF token).
  var controls = document.getElementById("correction-controls");
  function addCorrection(li, m) {
    if (!controls || (m.role !== "user" && m.role !== "bot")) { return; }
    var part = controls.content.querySelector('[data-for="' + m.role + '"]');
    if (!part) { return; }
    var copy = part.cloneNode(true);
    copy.querySelector('input[name="position"]').value = m.position;
    var select = copy.querySelector("select");
    if (select) {
      // the intent the bot predicted is the one to start from
      if (m.intent && select.querySelector('option[value="' + m.intent + '"]')) { select.value = m.intent; }
      select.id = "intent-" + m.position;
      copy.querySelector("label").htmlFor = select.id;
    }
    li.appendChild(copy);
  }

  function add(m) {
    if (list.querySelector('[data-position="' + m.position + '"]')) { return; }
    var li = document.createElement("li");
    li.className = "msg " + m.role + (m.low_confidence ? " low" : "");
    li.dataset.position = m.position;
    if (m.role === "action") {
      li.appendChild(span("action-line", "机器人执行：" + m.text));
    } else {
      li.appendChild(span("who", names[m.role] + (m.role === "staff" ? (m.author || "") : "")));
      li.appendChild(span("bubble", m.text));
      if (m.role === "user" && m.intent) {
        var pct = m.confidence === null ? "" : " · " + Math.round(m.confidence * 100) + "%";
        li.appendChild(span("intent", "意图：" + m.intent_label + pct));
      }
      if (m.role === "staff" && m.delivery !== "delivered") {
        li.appendChild(span("undelivered", "未送达：" + (m.delivery_note || "")));
      }
      addCorrection(li, m);
    }
    li.id = "m" + m.position;
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function poll() {
    fetch("/tickets/" + encodeURIComponent(number) + "/messages?after=" + last,
          { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.messages.forEach(function (m) { add(m); last = Math.max(last, m.position); });
      })
      .catch(function () { /* next poll tries again */ });
  }

  // Back from a correction form (#m<position>): show that message, else the newest.
  var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (target && list.contains(target)) { target.scrollIntoView({ block: "center" }); }
  else { list.scrollTop = list.scrollHeight; }
  if (list.dataset.open === "yes") { setInterval(poll, 2000); }

  var box = document.getElementById("reply-text");
  if (!box) { return; }
  var canned = [];
  fetch(box.dataset.canned, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (data) { canned = Array.isArray(data) ? data : (data.replies || []); })
    .catch(function () { canned = []; });

  // Ctrl+Enter (⌘+Enter on a Mac) sends the reply, as the hint beside the button says:
  // the form itself is submitted (its CSRF token, its validation), once.
  var reply = box.form;
  var sending = false;
  reply.addEventListener("submit", function () { sending = true; });
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.isComposing) { return; }
    event.preventDefault();
    if (sending) { return; }
    if (reply.requestSubmit) { reply.requestSubmit(); } else if (reply.reportValidity()) { reply.submit(); }
  });

  box.addEventListener("keydown", function (event) {
    if (event.key !== "Tab" && event.key !== " ") { return; }
    var match = /(^|\s)(\/\S+)$/.exec(box.value);
    if (!match) { return; }
    var found = canned.filter(function (c) { return c.code === match[2]; })[0];
    if (!found) { return; }
    event.preventDefault();
    box.value = box.value.slice(0, box.value.length - match[2].length) + found.text;
  });
}());
