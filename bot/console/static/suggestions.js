// Ticket page: suggested answers for the customer's latest message
// (GET /tickets/<number>/suggestions: the bot's FAQ search and the canned replies by
// meaning, at most three). One click puts a suggestion into the reply box, where the
// agent edits it before sending. Asked again when a new customer message appears in
// the transcript (ticket.js adds it). Text is always set with textContent.
(function () {
  "use strict";
  var panel = document.getElementById("suggestions");
  var box = document.getElementById("reply-text");
  var transcript = document.getElementById("transcript");
  if (!panel || !box) { return; }
  var list = document.getElementById("suggestions-list");
  var status = document.getElementById("suggestions-status");
  var shownFor = null;   // position of the customer message the list answers
  var waiting = null;    // a timer asking again

  function element(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function insert(suggestion) {
    // Where the caret was (kept while the button has focus); an empty box takes it whole.
    var start = box.selectionStart, end = box.selectionEnd;
    if (!box.value.trim()) { start = 0; end = box.value.length; }
    box.setRangeText(suggestion.text, start, end, "end");
    box.focus();
    status.textContent = "已插入“" + suggestion.title + "”，可修改后发送";
  }

  function item(suggestion) {
    var li = element("li", "suggestion kind-" + suggestion.kind);
    var head = element("div", "head");
    head.appendChild(element("span", "badge kind-" + suggestion.kind, suggestion.kind_label));
    head.appendChild(element("strong", "", suggestion.kind === "canned"
      ? suggestion.key + " · " + suggestion.title : suggestion.title));
    head.appendChild(element("span", "muted", "匹配度 " + Math.round(suggestion.score * 100) + "%"));
    li.appendChild(head);
    li.appendChild(element("p", "text", suggestion.text));
    var button = element("button", "secondary", "插入回复框");
    button.type = "button";
    button.setAttribute("aria-label", "插入回复框：" + suggestion.title);
    button.addEventListener("click", function () { insert(suggestion); });
    li.appendChild(button);
    return li;
  }

  function show(data) {
    list.textContent = "";
    shownFor = data.position;
    if (data.position === null) { status.textContent = "客户还没有发消息。"; return; }
    var quoted = data.message.length > 40 ? data.message.slice(0, 40) + "…" : data.message;
    if (!data.suggestions.length) {
      status.textContent = "没有找到与“" + quoted + "”相关的答案，请直接回复。";
      return;
    }
    data.suggestions.forEach(function (s) { list.appendChild(item(s)); });
    status.textContent = "根据客户最新消息“" + quoted + "”找到 " + data.suggestions.length + " 条建议。";
  }

  function later(seconds) {
    clearTimeout(waiting);
    waiting = setTimeout(load, seconds * 1000);
  }

  function load() {
    fetch(panel.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (data) { return { code: r.status, data: data }; }); })
      .then(function (answer) {
        if (answer.code === 200) { show(answer.data); return; }
        status.textContent = answer.data.message || "建议答案暂时不可用";
        later(answer.code === 202 ? 3 : 30);
      })
      .catch(function () { status.textContent = "建议答案暂时不可用"; later(30); });
  }

  // ticket.js adds new messages to the transcript: a new customer message, new suggestions.
  if (transcript && window.MutationObserver) {
    new MutationObserver(function () {
      var users = transcript.querySelectorAll("li.msg.user");
      var newest = users.length ? parseInt(users[users.length - 1].dataset.position, 10) : null;
      if (newest !== null && newest !== shownFor) { shownFor = newest; later(0.3); }
    }).observe(transcript, { childList: true });
  }
  load();
}());
