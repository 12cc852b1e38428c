/* In-app help window. Plain JavaScript, no framework, nothing from a CDN.
 *
 * Text from anyone (customer, bot, staff) is only ever inserted as text nodes
 * (textContent / createTextNode); links are <a> elements built here, http(s) only.
 */
(function () {
  "use strict";

  var API = "/webhooks/webchat";
  var KEY_TOKEN = "webchat.token";
  var KEY_PENDING = "webchat.pending";
  var KEY_DRAFT = "webchat.draft";
  var REQUEST_TIMEOUT_MS = 45000;
  var CONTEXT_KEYS = ["app_version", "os", "device"];
  var MSG_OFFLINE = "无法连接到客服服务器，请检查网络后点「重试」。您输入的内容已保留。";
  var MSG_START_FAILED = "客服暂时无法连接，请检查网络后点「重试」。";

  // What the server takes as no message at all (bot/webchat/message_text.py): only white
  // space and invisible characters. An emoji alone ("👍", "❤️") is a message.
  var BLANK = /^[\s\p{Cc}\p{Cf}\p{Z}\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0\u2800]*$/u;
  function isBlank(text) { return BLANK.test(text); }

  var params = new URLSearchParams(window.location.search);
  var context = {};
  CONTEXT_KEYS.forEach(function (key) { context[key] = params.get(key) || null; });
  var signedUser = { uid: params.get("uid"), exp: params.get("exp"), sig: params.get("sig") };

  var $ = function (id) { return document.getElementById(id); };
  var log = $("log"), input = $("input"), form = $("composer"), typing = $("typing");
  var banner = $("banner"), bannerText = $("banner-text"), bannerRetry = $("banner-retry");
  var limitLine = $("limit"), limitSpoken = $("limit-sr"), inputHint = $("input-hint");
  // The server's limit (its session answer says it; the textarea's maxlength is the same
  // number): characters counted as the server counts them, after trimming.
  var maxChars = input.maxLength > 0 ? input.maxLength : 2000;

  var token = null;
  var ready = false;
  var lastId = 0;
  var shownIds = new Set();
  var pending = [];        // messages not yet accepted by the server: {cid, text, title, el}
  var inFlight = 0;
  var events = null;
  var bannerAction = null;

  // ---- storage (a WebView may have it disabled) ---------------------------
  function load(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function save(key, value) {
    try {
      if (value === null || value === undefined) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: the window still works, only reloads forget */ }
  }
  function savePending() {
    save(KEY_PENDING, pending.length ? JSON.stringify(pending.map(function (p) {
      return { cid: p.cid, text: p.text, title: p.title };
    })) : null);
  }

  // ---- HTTP ---------------------------------------------------------------
  function api(method, path, body) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(API + path, {
      method: method, headers: headers, cache: "no-store", signal: controller.signal,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) {
          var error = new Error(data.message || ("HTTP " + resp.status));
          error.status = resp.status;
          error.code = data.error;
          throw error;
        }
        return data;
      });
    }).finally(function () { clearTimeout(timer); });
  }

  // ---- rendering ----------------------------------------------------------
  var URL_PATTERN = /https?:\/\/[^\s<>"'，。！？；：、（）【】「」《》]+/g;

  /* Text with line breaks kept (CSS pre-wrap) and http(s) links as <a>. */
  function fillText(parent, text) {
    var source = String(text == null ? "" : text);
    var last = 0, match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(source)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]]+$/, "");
      if (!url) continue;
      if (match.index > last) parent.appendChild(document.createTextNode(source.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + url.length;
      URL_PATTERN.lastIndex = last;
    }
    if (last < source.length) parent.appendChild(document.createTextNode(source.slice(last)));
  }

  // notice: a line about the conversation itself ("客服小王已接入", "已转回机器人"), shown centred.
  var WHO = { user: "我", bot: "智能客服", staff: "人工客服", notice: "提示" };

  function messageElement(role, text) {
    var el = document.createElement("div");
    el.className = "msg " + role;
    var who = document.createElement("span");
    who.className = role === "user" || role === "notice" ? "who sr-only" : "who";
    who.textContent = WHO[role] || "";
    var body = document.createElement("div");
    body.className = "body";
    fillText(body, text);
    el.appendChild(who);
    el.appendChild(body);
    return el;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function ratingOf(payload) {
    var match = /^\/rate\s*\{.*"rating"\s*:\s*"?([1-5])"?/.exec(payload || "");
    return match ? Number(match[1]) : null;
  }

  function starsTitle(n) { return n + " 星 " + "★".repeat(n); }

  function lightStars(group, upTo) {
    group.querySelectorAll("button").forEach(function (s) {
      s.classList.toggle("lit", Number(s.dataset.stars) <= upTo);
    });
  }

  /* The customer's rating: its stars stay lit, the chosen one is pressed, none can be
   * pressed again, and the row says it in words too (not by colour alone). */
  function chooseStars(group, n) {
    group.dataset.chosen = String(n);
    lightStars(group, n);
    group.querySelectorAll("button").forEach(function (s) {
      s.setAttribute("aria-pressed", Number(s.dataset.stars) === n ? "true" : "false");
      s.disabled = true;
    });
    var said = document.createElement("span");
    said.className = "rated";
    said.textContent = "已评 " + n + " 星";
    group.appendChild(said);
  }

  /* After a reload: the rating row shows what the customer's next message chose. */
  function restoreRating(row) {
    var groups = log.querySelectorAll(".quick, .rating");
    var group = groups[groups.length - 1];
    if (!group || !group.classList.contains("rating") || group.dataset.chosen) return;
    for (var n = 1; n <= 5; n++) {
      if (row.text === starsTitle(n)) { chooseStars(group, n); return; }
    }
  }

  function disableOldChoices() {
    log.querySelectorAll(".quick button, .rating button").forEach(function (b) { b.disabled = true; });
  }

  function choiceButtons(el, buttons) {
    var ratings = buttons.map(function (b) { return ratingOf(b.payload); });
    var isRating = ratings.length > 1 && ratings.every(function (r) { return r !== null; });
    var group = document.createElement("div");
    group.setAttribute("role", "group");
    if (isRating) {
      group.className = "rating";
      group.setAttribute("aria-label", "为本次服务打分，1 到 5 星");
      // Hovering or focusing a star lights it and those before it; once chosen they stay lit.
      var preview = function (upTo) {
        if (!group.dataset.chosen) lightStars(group, upTo);
      };
      buttons.forEach(function (button, i) {
        var n = ratings[i];
        var star = document.createElement("button");
        star.type = "button";
        star.textContent = "★";
        star.dataset.stars = String(n);
        star.setAttribute("aria-label", n + " 星");
        star.setAttribute("aria-pressed", "false");
        star.addEventListener("mouseenter", function () { preview(n); });
        star.addEventListener("focus", function () { preview(n); });
        star.addEventListener("mouseleave", function () { preview(0); });
        star.addEventListener("blur", function () { preview(0); });
        star.addEventListener("click", function () {
          if (group.dataset.chosen) return;
          chooseStars(group, n);
          sendMessage(button.payload, starsTitle(n));
        });
        group.appendChild(star);
      });
    } else {
      group.className = "quick";
      group.setAttribute("aria-label", "快捷回复");
      buttons.forEach(function (button) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = button.title;
        b.addEventListener("click", function () { sendMessage(button.payload, button.title); });
        group.appendChild(b);
      });
    }
    el.appendChild(group);
  }

  /* A message row from the server (history, answer, or event stream), shown once. */
  function showRow(row) {
    if (row.id) {
      if (shownIds.has(row.id)) return;
      shownIds.add(row.id);
      if (row.id > lastId) lastId = row.id;
    }
    if (row.role === "user" && row.client_id) {
      var mine = log.querySelector('[data-cid="' + CSS.escape(row.client_id) + '"]');
      if (mine) { markSent(mine, row.id); return; }
    }
    if (row.role === "user") { restoreRating(row); disableOldChoices(); }
    var el = messageElement(row.role, row.text);
    if (row.id) el.dataset.id = String(row.id);
    if (row.image && /^https?:\/\//.test(row.image)) {
      var img = document.createElement("img");
      img.src = row.image; img.alt = "图片"; img.style.maxWidth = "100%";
      el.appendChild(img);
    }
    if (row.role !== "user" && Array.isArray(row.buttons) && row.buttons.length) {
      disableOldChoices();
      choiceButtons(el, row.buttons);
    }
    log.appendChild(el);
    scrollToEnd();
  }

  function setStatus(el, state, note, retry) {
    el.classList.remove("sending", "failed");
    var old = el.querySelector(".status");
    if (old) old.remove();
    if (!state) return;
    el.classList.add(state);
    var status = document.createElement("div");
    status.className = "status";
    var label = document.createElement("span");
    label.textContent = note || (state === "sending" ? "发送中…" : "未发送");
    status.appendChild(label);
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "retry";
      button.textContent = "重试";
      button.addEventListener("click", retry);
      status.appendChild(button);
    }
    el.appendChild(status);
  }

  function markSent(el, id) {
    setStatus(el, null);
    el.removeAttribute("data-cid");
    if (id) { el.dataset.id = String(id); shownIds.add(id); if (id > lastId) lastId = id; }
  }

  function showTyping(on) {
    inFlight += on ? 1 : -1;
    typing.hidden = inFlight <= 0;
    if (!typing.hidden) scrollToEnd();
  }

  function showBanner(text, action) {
    bannerText.textContent = text;
    bannerAction = action;
    banner.hidden = false;
  }
  function hideBanner() { banner.hidden = true; bannerAction = null; }
  bannerRetry.addEventListener("click", function () { if (bannerAction) bannerAction(); });

  // ---- sending ------------------------------------------------------------
  function newClientId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function sendMessage(text, title) {
    text = String(text || "").trim();
    if (isBlank(text)) return;
    var item = { cid: newClientId(), text: text, title: title || null };
    item.el = messageElement("user", title || text);
    item.el.dataset.cid = item.cid;
    disableOldChoices();
    log.appendChild(item.el);
    pending.push(item);
    savePending();
    deliver(item);
  }

  function forget(item) {
    pending = pending.filter(function (p) { return p !== item; });
    savePending();
  }

  function deliver(item) {
    if (!ready) {
      setStatus(item.el, "failed", "未发送", function () { retryAll(); });
      showBanner(MSG_OFFLINE, retryAll);
      scrollToEnd();
      return;
    }
    setStatus(item.el, "sending");
    scrollToEnd();
    showTyping(true);
    api("POST", "/message", { text: item.text, title: item.title, client_id: item.cid, metadata: context })
      .then(function (body) {
        forget(item);
        markSent(item.el, body.user && body.user.id);
        (body.messages || []).forEach(showRow);
        if (!pending.length) hideBanner();
      })
      .catch(function (error) {
        if (error.status === 403) {           // token no longer valid: start a new session
          token = null; save(KEY_TOKEN, null); ready = false;
          setStatus(item.el, "failed", "未发送", function () { retryAll(); });
          showBanner(error.message, retryAll);
        } else if (error.status === 429) {    // too fast: kept, sent again when the customer retries
          setStatus(item.el, "failed", "未发送", function () { retryAll(); });
          showBanner(error.message, retryAll);
        } else if (error.status && error.status < 500) {   // 400/413: resending will not help
          forget(item);
          setStatus(item.el, "failed", error.message);
          if (!input.value) { input.value = item.text; onInput(true); }
        } else {                              // offline, timeout, server down or failing
          setStatus(item.el, "failed", "未发送", function () { deliver(item); });
          showBanner(MSG_OFFLINE, retryAll);
        }
        scrollToEnd();
      })
      .finally(function () { showTyping(false); });
  }

  function retryAll() {
    hideBanner();
    var again = function () {
      pending.forEach(function (item) {
        if (item.el.classList.contains("failed")) deliver(item);
      });
    };
    if (ready) again(); else start().then(function () { if (ready) again(); });
  }

  // ---- receiving pushes -----------------------------------------------------
  function openEvents() {
    if (events) events.close();
    if (!token || !window.EventSource) return;
    events = new EventSource(API + "/events?token=" + encodeURIComponent(token) + "&after=" + lastId);
    events.addEventListener("message", function (event) {
      try { showRow(JSON.parse(event.data)); } catch (e) { /* ignore a broken event */ }
    });
    events.addEventListener("error", function () {
      // The browser reconnects by itself (with Last-Event-ID) unless the stream was refused.
      if (events.readyState === EventSource.CLOSED) setTimeout(openEvents, 5000);
    });
  }

  // ---- start: session, history, pending messages, event stream --------------
  function start() {
    hideBanner();
    var request = { token: load(KEY_TOKEN) };
    if (signedUser.uid) { request.uid = signedUser.uid; request.exp = signedUser.exp; request.sig = signedUser.sig; }
    token = null;
    return api("POST", "/session", request)
      .then(function (session) {
        token = session.token;
        save(KEY_TOKEN, token);
        setMaxChars(session.max_chars);
        return api("GET", "/history");
      })
      .then(function (history) {
        var delivered = new Set();
        history.messages.forEach(function (row) { if (row.client_id) delivered.add(row.client_id); });
        Array.prototype.slice.call(log.querySelectorAll(".msg:not([data-cid])")).forEach(function (el) { el.remove(); });
        shownIds = new Set();
        history.messages.forEach(showRow);
        lastId = Math.max(lastId, history.last_id || 0);
        // What was sent before a reload but never arrived is shown again, not lost.
        pending.forEach(function (item) {
          if (delivered.has(item.cid)) { item.el.remove(); forget(item); } else log.appendChild(item.el);
        });
        ready = true;
        openEvents();
        scrollToEnd();
        if (!history.messages.length && !pending.length) greet();
      })
      .catch(function () {
        ready = false;
        showBanner(MSG_START_FAILED, retryAll);
      });
  }

  /* A window that has shown nothing yet opens with the bot's greeting and the problem
   * areas as buttons (domain.yml's utter_greet, run by the server once per conversation:
   * a reload shows it from the history instead). */
  function greet() {
    api("POST", "/greeting", {})
      .then(function (body) { (body.messages || []).forEach(showRow); })
      .catch(function () { /* no greeting: the customer can still type */ });
  }

  function restorePending() {
    var saved = [];
    try { saved = JSON.parse(load(KEY_PENDING) || "[]"); } catch (e) { saved = []; }
    saved.forEach(function (p) {
      if (!p || typeof p.text !== "string") return;
      var item = { cid: p.cid || newClientId(), text: p.text, title: p.title || null };
      item.el = messageElement("user", item.title || item.text);
      item.el.dataset.cid = item.cid;
      setStatus(item.el, "failed", "未发送", function () { retryAll(); });
      log.appendChild(item.el);
      pending.push(item);
    });
  }

  // ---- input ------------------------------------------------------------------
  function saveDraft() { save(KEY_DRAFT, input.value || null); }

  function charCount(text) { return Array.from(text.trim()).length; }

  /* Near the limit: how much room is left; over it: by how much, before anything is sent.
   * A screen reader hears it once typing pauses (not at every key). */
  var speakTimer = null;
  function showLimit(now) {
    var count = charCount(input.value);
    var over = count > maxChars;
    var text = "";
    if (over) {
      text = "共 " + count + " 字，超出 " + (count - maxChars) + " 字（每条最多 " + maxChars +
             " 字），请删减或分几条发送。";
    } else if (count >= Math.floor(maxChars * 0.9)) {
      text = "还可输入 " + (maxChars - count) + " 字（每条最多 " + maxChars + " 字）";
    }
    limitLine.textContent = text;
    limitLine.hidden = !text;
    limitLine.classList.toggle("over", over);
    if (over) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    clearTimeout(speakTimer);
    if (now) limitSpoken.textContent = text;
    else speakTimer = setTimeout(function () { limitSpoken.textContent = text; }, 1000);
    return !over;
  }

  function setMaxChars(limit) {
    if (!(limit > 0)) return;
    maxChars = limit;
    input.maxLength = limit;
    inputHint.textContent = "按回车发送，Shift 加回车换行；每条最多 " + limit + " 字";
    showLimit(false);
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (isBlank(text)) { input.focus(); return; }
    if (!showLimit(true)) { input.focus(); return; }   // too long: the line above says so
    input.value = "";
    saveDraft();
    autosize();
    showLimit(true);
    sendMessage(text);
    input.focus();
  });

  // maxlength stops typing at the limit, and would cut a longer paste without a word:
  // the whole paste goes in instead, and the line above the input says how much is over.
  input.addEventListener("paste", function (event) {
    var pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    var start = input.selectionStart, end = input.selectionEnd;
    if (!pasted || input.value.length - (end - start) + pasted.length <= input.maxLength) return;
    event.preventDefault();
    input.setRangeText(pasted, start, end, "end");
    onInput(true);
  });

  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a new line; never while a Chinese IME is composing.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  function onInput(now) { saveDraft(); autosize(); showLimit(now === true); }
  input.addEventListener("input", onInput);

  $("human").addEventListener("click", function () { sendMessage("/request_human", "转人工"); });

  // The phone keyboard shrinks the visual viewport: keep the input above it.
  if (window.visualViewport) {
    var fit = function () {
      document.documentElement.style.setProperty("--app-height", window.visualViewport.height + "px");
      window.scrollTo(0, 0);
      scrollToEnd();
    };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }

  // ---- the app talks to the page ---------------------------------------------
  // window.postMessage({type: "webchat:context", app_version, os, device, uid, exp, sig})
  window.addEventListener("message", function (event) {
    if (event.source !== window && event.source !== window.parent) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== "webchat:context") return;
    CONTEXT_KEYS.forEach(function (key) {
      if (typeof data[key] === "string") context[key] = data[key].slice(0, 100);
    });
    if (data.uid && data.sig && String(data.uid) !== signedUser.uid) {
      signedUser = { uid: String(data.uid), exp: String(data.exp), sig: String(data.sig) };
      start();
    }
  });

  input.value = load(KEY_DRAFT) || "";
  autosize();
  showLimit(true);
  restorePending();
  start();
  if (window.parent !== window) window.parent.postMessage({ type: "webchat:ready" }, "*");
})();
