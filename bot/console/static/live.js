// The live inbox, on every console page: counts per view, a new ticket or a customer's
// new message announced (tab title, a short sound, a desktop notification when allowed,
// a screen-reader line), the queue redrawn when tickets come, go or change hands, and on
// a ticket page who else is viewing or typing, with a take-over question before answering
// a ticket someone else owns. State comes from the server (/live/...), polled every 2 s.
// Text is always set with textContent. Tests read window.consoleLive (alerts, sounds).
(function () {
  "use strict";
  var POLL_MS = 2000, BEAT_MS = 3000, TYPING_BEAT_MS = 2000;
  var csrfInput = document.querySelector('input[name="csrf_token"]');
  if (!csrfInput) { return; }  // not signed in
  var csrf = csrfInput.value;
  var hook = window.consoleLive = { alerts: [], sounds: 0, notifications: 0, polls: 0 };
  var baseTitle = document.title;
  var unseen = 0;
  var pageTranscript = document.getElementById("transcript");  // a ticket page: its own alerts below
  var pageNumber = pageTranscript ? pageTranscript.dataset.number : null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; });
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.ok ? r.json() : null; });
  }

  // ---- alerts -----------------------------------------------------------------
  var announcer = el("p", "sr-only");
  announcer.id = "live-announce";
  announcer.setAttribute("aria-live", "assertive");
  document.body.appendChild(announcer);

  var audio = null;
  function beep() {
    hook.sounds += 1;
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return; }
      audio = audio || new Context();
      var tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880; gain.gain.value = 0.08;
      tone.connect(gain); gain.connect(audio.destination);
      tone.start(); tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound: the title and the notification still say it */ }
  }

  function notify(text) {
    if (!("Notification" in window) || Notification.permission !== "granted") { return; }
    try { new Notification("客服工作台", { body: text, tag: "console-live" }); hook.notifications += 1; }
    catch (e) { /* some browsers allow notifications only from a service worker */ }
  }

  function alertStaff(kind, text) {
    hook.alerts.push({ kind: kind, text: text });
    unseen += 1;
    document.title = "【" + unseen + " 条新提醒】" + baseTitle;
    document.documentElement.dataset.liveAlerts = String(hook.alerts.length);
    announcer.textContent = text;
    beep();
    notify(text);
  }

  function seen() {
    if (!unseen) { return; }
    unseen = 0;
    document.title = baseTitle;
  }
  document.addEventListener("keydown", seen);
  document.addEventListener("click", seen);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { seen(); }
  });

  // Desktop notifications need the person's consent, asked by a button (never on load).
  if ("Notification" in window && Notification.permission === "default") {
    var ask = el("button", "live-notify", "开启桌面通知");
    ask.type = "button";
    ask.addEventListener("click", function () {
      Notification.requestPermission().then(function () { ask.remove(); });
    });
    var bar = document.querySelector(".top");
    if (bar) { bar.insertBefore(ask, bar.querySelector(".logout")); }
  }

  // ---- counts per view ----------------------------------------------------------
  function setCount(link, n) {
    if (/（\d+）$/.test(link.textContent)) {
      link.textContent = link.textContent.replace(/（\d+）$/, "（" + n + "）");
      return;
    }
    var badge = link.querySelector(".live-count");
    if (!badge) { badge = el("span", "live-count"); link.appendChild(badge); }
    badge.textContent = String(n);
    badge.setAttribute("aria-label", n + " 个");
  }

  function showCounts(counts) {
    var views = { "/": counts.all, "/?assignee=none": counts.unassigned, "/?assignee=me": counts.mine };
    document.querySelectorAll("nav.tabs a, .top nav a").forEach(function (link) {
      var href = link.getAttribute("href");
      if (!(href in views)) { return; }
      if (href === "/" && link.closest(".top")) { return; }  // 工单队列: the page, not a view
      setCount(link, views[href]);
    });
  }

  // ---- the queue page -------------------------------------------------------------
  var filters = document.querySelector('section[aria-labelledby="filter-title"]');
  var onQueue = !!document.querySelector("nav.tabs") && !!filters;

  function waited(minutes) {
    return minutes < 1 ? "客户等待不到 1 分钟" : "客户已等待 " + minutes + " 分钟";
  }

  function showBadges(tickets) {
    if (!onQueue) { return; }
    tickets.forEach(function (t) {
      var link = document.querySelector('table.queue a[href="/tickets/' + t.number + '"]');
      if (!link) { return; }
      var cell = link.parentNode;
      var badges = cell.querySelector(".live-badges");
      if (!badges) { badges = el("span", "live-badges"); cell.appendChild(badges); }
      badges.textContent = "";
      if (t.unread) { badges.appendChild(el("span", "live-unread", "未读 " + t.unread)); }
      if (t.waiting_minutes !== null) { badges.appendChild(el("span", "live-waiting", waited(t.waiting_minutes))); }
    });
  }

  // The queue's rows are the server's own page: fetched again and swapped in, not redrawn here.
  var redrawing = false;
  function redrawQueue(tickets) {
    var active = document.activeElement;
    if (redrawing || (active && active.tagName === "SELECT" && !filters.contains(active))) { return false; }
    redrawing = true;
    fetch(location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshFilters = fresh.querySelector('section[aria-labelledby="filter-title"]');
        if (!freshFilters) { return; }
        var tabs = document.querySelector("nav.tabs"), freshTabs = fresh.querySelector("nav.tabs");
        if (tabs && freshTabs) { tabs.replaceWith(document.importNode(freshTabs, true)); }
        while (filters.nextSibling) { filters.nextSibling.remove(); }
        var node = freshFilters.nextSibling;
        while (node) {
          filters.parentNode.appendChild(document.importNode(node, true));
          node = node.nextSibling;
        }
        showBadges(tickets);
      })
      .catch(function () { /* next poll tries again */ })
      .finally(function () { redrawing = false; });
    return true;
  }

  // ---- polling the inbox ----------------------------------------------------------
  var REDRAW_MS = 60000;   // the SLA times and 无人认领 N 分钟 move on by themselves
  var known = null;        // number -> {status, owner, unread} at the previous poll
  var shape = null;        // what the queue's rows depend on
  var drawnAt = Date.now();

  function pollInbox() {
    getJson("/live/inbox").then(function (data) {
      if (!data) { return; }
      hook.polls += 1;
      showCounts(data.counts);
      var now = {};
      data.tickets.forEach(function (t) {
        now[t.number] = t;
        var before = known && known[t.number];
        if (known && !before) {
          alertStaff("ticket", "新工单 " + t.number);
        } else if (before && t.unread > before.unread && (t.mine || !t.owner) && t.number !== pageNumber) {
          alertStaff("message", "工单 " + t.number + " 有客户新消息");
        }
      });
      known = now;
      var newShape = data.tickets.map(function (t) { return t.number + ":" + t.status + ":" + t.owner; }).join("|");
      if (onQueue && shape !== null && (newShape !== shape || Date.now() - drawnAt > REDRAW_MS)) {
        if (!redrawQueue(data.tickets)) { return; }  // try again at the next poll
        drawnAt = Date.now();
      }
      shape = newShape;
      showBadges(data.tickets);
    }).catch(function () { /* next poll tries again */ });
  }
  pollInbox();
  setInterval(pollInbox, POLL_MS);

  // ---- a ticket page ----------------------------------------------------------------
  var transcript = pageTranscript;
  if (!transcript) { return; }
  var number = pageNumber;
  var base = "/live/tickets/" + encodeURIComponent(number);
  var state = null;
  var typingAt = 0, lastTypingBeat = 0;

  var presenceLine = el("p", "live-presence");
  presenceLine.id = "live-presence";
  presenceLine.setAttribute("aria-live", "polite");
  var head = document.querySelector(".ticket-head");
  if (head) { head.appendChild(presenceLine); }

  function newestPosition() {
    var items = transcript.querySelectorAll("li[data-position]");
    return items.length ? parseInt(items[items.length - 1].dataset.position, 10) : null;
  }

  function showState(data) {
    state = data;
    var status = document.getElementById("ticket-status");
    if (status && status.textContent !== data.status_label) {
      status.textContent = data.status_label;
      status.className = "badge status-" + data.status;
    }
    var agent = document.getElementById("ticket-agent");
    if (agent) { agent.textContent = data.owner_name || "未分配"; }
    presenceLine.textContent = data.others.map(function (p) {
      return p.name + (p.typing ? " 正在输入…" : " 正在查看");
    }).join("；");
  }

  function beat() {
    var visible = document.visibilityState === "visible";
    var typing = Date.now() - typingAt < TYPING_BEAT_MS * 2;
    return postJson(base + "/presence", { typing: typing, read: visible ? newestPosition() : null })
      .then(function (data) { if (data) { showState(data); } })
      .catch(function () { /* next beat tries again */ });
  }
  beat();
  setInterval(beat, BEAT_MS);

  var box = document.getElementById("reply-text");
  if (box) {
    box.addEventListener("input", function () {
      typingAt = Date.now();
      if (typingAt - lastTypingBeat > TYPING_BEAT_MS) { lastTypingBeat = typingAt; beat(); }
    });
  }
  window.addEventListener("pagehide", function () {
    var form = new FormData();
    form.append("csrf_token", csrf);
    if (navigator.sendBeacon) { navigator.sendBeacon(base + "/leave", form); }
  });

  // A customer message that arrives while the page is open (ticket.js adds it).
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1 && node.classList.contains("user")) {
          alertStaff("message", "客户新消息：" + (node.querySelector(".bubble") || node).textContent);
        }
      });
    });
  }).observe(transcript, { childList: true });

  // ---- one owner at a time: answering or taking someone else's ticket asks first ----
  var draftKey = "live.draft." + number;
  var dialog = null, pending = null;

  function takeOverDialog() {
    if (dialog) { return dialog; }
    dialog = el("dialog", "live-takeover");
    dialog.id = "live-takeover";
    dialog.setAttribute("aria-labelledby", "live-takeover-title");
    dialog.setAttribute("aria-describedby", "live-takeover-text");
    var title = el("h2", "", "");
    title.id = "live-takeover-title";
    var text = el("p", "", "接管后这张工单由您处理，原处理人会看到；接管会记入处理记录。");
    text.id = "live-takeover-text";
    var row = el("div", "row");
    var yes = el("button", "", "接管");
    yes.type = "button"; yes.id = "live-takeover-yes";
    var no = el("button", "secondary", "取消");
    no.type = "button";
    row.appendChild(yes); row.appendChild(no);
    dialog.appendChild(title); dialog.appendChild(text); dialog.appendChild(row);
    yes.addEventListener("click", function () {
      var form = pending;
      dialog.close();
      if (!form) { return; }
      var flag = document.createElement("input");
      flag.type = "hidden"; flag.name = "takeover"; flag.value = "1";
      form.appendChild(flag);
      if (box && form === box.form) { try { sessionStorage.setItem(draftKey, box.value); } catch (e) { /* private mode */ } }
      form.submit();
    });
    no.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { pending = null; });
    document.body.appendChild(dialog);
    return dialog;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var isReply = box && form === box.form;
    var isTake = form.querySelector('input[name="assignee"][value="me"]') !== null;
    if (isReply) { try { sessionStorage.setItem(draftKey, box.value); } catch (e) { /* private mode */ } }
    if (!(isReply || isTake) || !state || !state.open || !state.owner || state.mine) { return; }
    if (form.querySelector('input[name="takeover"]')) { return; }
    if (isReply && !box.value.trim()) { return; }
    event.preventDefault();
    event.stopPropagation();
    pending = form;
    var ask = takeOverDialog();
    ask.querySelector("#live-takeover-title").textContent =
      "这张工单正由 " + state.owner_name + " 处理，" + (isReply ? "要接管并发送这条回复吗？" : "要接管吗？");
    ask.querySelector("#live-takeover-yes").textContent = isReply ? "接管并发送" : "接管";
    ask.showModal();
  }, true);

  // Back from a refused reply: the text is still there to send after taking over.
  var notice = new URLSearchParams(location.search).get("notice");
  try {
    if (box && notice === "owned_by_other" && !box.value) { box.value = sessionStorage.getItem(draftKey) || ""; }
    else if (notice === "replied") { sessionStorage.removeItem(draftKey); }
  } catch (e) { /* private mode */ }
}());
