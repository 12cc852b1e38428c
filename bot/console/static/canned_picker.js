// Ticket page: the canned-reply picker. Typing "/" in the reply box opens a list of
// the canned replies (GET /canned.json); the letters after it filter by the code's or
// the title's start first, then by their letters in order ("/验延" finds /验证码延迟).
// ↑/↓ choose, Enter (or a click) puts the reply's text in place of "/…", where the agent
// can edit it; Esc closes. Ctrl/⌘+Enter still sends (ticket.js). Text set with textContent.
(function () {
  "use strict";
  var box = document.getElementById("reply-text");
  if (!box) { return; }
  var MAX_SHOWN = 8;
  var replies = [];
  var shown = [];
  var active = -1;
  var token = null; // {start, end} of "/…" before the caret

  var list = document.createElement("ul");
  list.id = "canned-picker";
  list.className = "canned-picker";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "快捷回复");
  list.hidden = true;
  var status = document.createElement("p");
  status.className = "sr-only";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  box.insertAdjacentElement("afterend", status);
  box.insertAdjacentElement("afterend", list);
  box.setAttribute("aria-autocomplete", "list");
  box.setAttribute("aria-controls", list.id);

  fetch(box.dataset.canned || "/canned.json", { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : { replies: [] }; })
    .then(function (data) {
      replies = Array.isArray(data) ? data : (data.replies || []);
      if (document.activeElement === box) { update(); } // "/…" typed before the replies arrived
    })
    .catch(function () { replies = []; });

  function plain(text) { return String(text || "").toLowerCase(); }

  // Letters of `query` appear in `text` in this order (not necessarily side by side).
  function inOrder(query, text) {
    var at = 0;
    for (var i = 0; i < query.length; i += 1) {
      at = text.indexOf(query.charAt(i), at);
      if (at < 0) { return false; }
      at += 1;
    }
    return true;
  }

  // 0: the code starts with it, 1: the title does, 2: either holds it, 3: its letters in order.
  function rank(reply, query) {
    var code = plain(reply.code).replace(/^\//, "");
    var title = plain(reply.title);
    if (!query || code.indexOf(query) === 0) { return 0; }
    if (title.indexOf(query) === 0) { return 1; }
    if (code.indexOf(query) >= 0 || title.indexOf(query) >= 0) { return 2; }
    if (inOrder(query, code) || inOrder(query, title)) { return 3; }
    return -1;
  }

  function matches(query) {
    query = plain(query);
    return replies
      .map(function (reply, order) { return { reply: reply, rank: rank(reply, query), order: order }; })
      .filter(function (m) { return m.rank >= 0; })
      .sort(function (a, b) { return a.rank - b.rank || a.order - b.order; })
      .slice(0, MAX_SHOWN)
      .map(function (m) { return m.reply; });
  }

  function close() {
    list.hidden = true;
    shown = []; active = -1; token = null;
    box.removeAttribute("aria-activedescendant");
  }

  function choose(index) {
    var items = list.children;
    for (var i = 0; i < items.length; i += 1) {
      items[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0 && items[index]) {
      box.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    }
  }

  function option(reply, index) {
    var li = document.createElement("li");
    li.id = "canned-option-" + index;
    li.setAttribute("role", "option");
    var head = document.createElement("span");
    head.className = "code";
    head.textContent = reply.code + " · " + reply.title;
    var preview = document.createElement("span");
    preview.className = "preview";
    preview.textContent = reply.text;
    li.appendChild(head);
    li.appendChild(preview);
    li.addEventListener("mousedown", function (event) { event.preventDefault(); }); // the box keeps focus
    li.addEventListener("click", function () { pick(index); });
    return li;
  }

  function open(found) {
    shown = found;
    list.textContent = "";
    found.forEach(function (reply, index) { list.appendChild(option(reply, index)); });
    list.hidden = false;
    choose(0);
    status.textContent = "找到 " + found.length + " 条快捷回复，按上下键选择，按 Enter 插入，按 Esc 关闭";
  }

  function pick(index) {
    var reply = shown[index];
    if (!reply || !token) { return; }
    box.setRangeText(reply.text, token.start, token.end, "end");
    close();
    box.focus();
    status.textContent = "已插入快捷回复 " + reply.code + "，可修改后发送";
  }

  function update() {
    var caret = box.selectionStart;
    if (caret !== box.selectionEnd) { close(); return; }
    var match = /(^|\s)\/(\S*)$/.exec(box.value.slice(0, caret));
    if (!match) { close(); return; }
    var found = matches(match[2]);
    if (!found.length) {
      close();
      status.textContent = "没有匹配的快捷回复";
      return;
    }
    token = { start: caret - match[2].length - 1, end: caret };
    open(found);
  }

  box.addEventListener("input", update);
  box.addEventListener("blur", close);
  box.addEventListener("keydown", function (event) {
    if (list.hidden || event.isComposing) { return; }
    if (event.defaultPrevented) { close(); return; } // ticket.js expanded a code (Tab, space) or sent
    if (event.ctrlKey || event.metaKey || event.altKey) { return; } // Ctrl/⌘+Enter sends
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose((active + step + shown.length) % shown.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      pick(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
}());
