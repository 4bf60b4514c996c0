/* Chat simulator: pick a persona, chat through the real webhook path, watch replies and pushes arrive.
   Talks only to /sim/api/* (the web app proxies to the sandbox LINE platform). */
(function () {
  "use strict";

  var ROLE_TH = { admin: "ผู้ดูแลระบบ", committee: "คณะกรรมการจริยธรรม", coordinator: "ผู้ประสานงานสำนัก",
                  staff: "บุคลากร" };
  var STATUS_TH = { "new": "ผู้ใช้ใหม่ ยังไม่ลงทะเบียน", consented: "ยินยอมแล้ว ยังไม่ลงทะเบียน",
                    pending_approval: "รออนุมัติ", refused: "ไม่ยินยอม", registered: "ลงทะเบียนแล้ว" };
  var POLL_MS = 1000;
  var $ = function (id) { return document.getElementById(id); };

  var S = {
    run: null,
    personas: [],          // from the server (seeded and everyone who talked to the bot)
    custom: [],            // "new user" personas made in this browser
    logs: {},              // userId -> [{dir, kind, msg, ts, seq}]
    unread: {},
    lastSeq: 0,
    current: null,
    menus: {},             // userId -> {linkedId, shownId, open}
  };

  // ---- storage (per sandbox run) ---------------------------------------------------------------
  function storeKey() { return "line-sim:" + S.run; }
  function save() {
    try {
      var logs = {};
      Object.keys(S.logs).forEach(function (u) { logs[u] = S.logs[u].slice(-200); });
      localStorage.setItem(storeKey(), JSON.stringify({ logs: logs, lastSeq: S.lastSeq, custom: S.custom }));
    } catch (e) { /* private mode or full: the chat still works */ }
  }
  function load() {
    try {
      var raw = JSON.parse(localStorage.getItem(storeKey()) || "null");
      if (raw) { S.logs = raw.logs || {}; S.lastSeq = raw.lastSeq || 0; S.custom = raw.custom || []; }
      Object.keys(localStorage).forEach(function (k) {
        if (k.indexOf("line-sim:") === 0 && k !== storeKey()) localStorage.removeItem(k);
      });
    } catch (e) { /* ignore */ }
  }

  // ---- helpers -----------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function api(path, opts) {
    opts = opts || {};
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.headers = { "Content-Type": "application/json" };
      opts.body = JSON.stringify(opts.json);
    }
    return fetch(path, opts).then(function (r) {
      return r.text().then(function (t) {
        var body = null;
        try { body = t ? JSON.parse(t) : null; } catch (e) { body = { raw: t }; }
        return { ok: r.ok, status: r.status, body: body };
      });
    });
  }
  function hhmm(ts) {
    try {
      return new Intl.DateTimeFormat("th-TH", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Bangkok" })
        .format(new Date(ts * 1000));
    } catch (e) { return ""; }
  }
  function toast(msg) {
    var t = $("toast");
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.hidden = true; }, 3000);
  }
  function randomUserId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return "U" + Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function persona(userId) {
    var all = S.personas.concat(S.custom);
    for (var i = 0; i < all.length; i++) if (all[i].userId === userId) return all[i];
    return null;
  }

  // ---- persona list ----------------------------------------------------------------------------
  function loadPersonas() {
    return api("/sim/api/personas").then(function (r) {
      if (r.ok) S.personas = r.body.personas || [];
      // a custom persona that registered shows up from the server; keep one entry
      S.custom = S.custom.filter(function (c) {
        return !S.personas.some(function (p) { return p.userId === c.userId; });
      });
      renderPersonas();
    });
  }

  function personaCard(p) {
    var b = el("button", "persona" + (S.current === p.userId ? " active" : ""));
    b.type = "button";
    b.dataset.testid = "persona";
    b.dataset.userId = p.userId;
    b.dataset.role = p.role || "new";
    var av = el("span", "avatar role-" + (p.role || "new"), (p.name || "?").replace(/^(นาย|นางสาว|นาง|ดร\.)\s*/, "").charAt(0));
    var txt = el("span", "persona-text");
    txt.appendChild(el("span", "persona-name", p.name || "ผู้ใช้ใหม่"));
    var sub = p.role ? (ROLE_TH[p.role] || p.role) + (p.bureau ? " · " + p.bureau : "")
      : (STATUS_TH[p.status] || "ผู้ใช้ใหม่ ยังไม่ลงทะเบียน");
    txt.appendChild(el("span", "persona-sub", sub));
    b.appendChild(av);
    b.appendChild(txt);
    var n = S.unread[p.userId];
    if (n) b.appendChild(el("span", "badge", String(n)));
    b.addEventListener("click", function () { selectPersona(p.userId); });
    return b;
  }

  function renderPersonas() {
    var box = $("personas");
    box.textContent = "";
    var groups = [["admin", "ผู้ดูแลระบบ"], ["committee", "คณะกรรมการจริยธรรม"],
                  ["coordinator", "ผู้ประสานงานสำนัก"], ["staff", "บุคลากร"], [null, "ผู้ใช้ที่ยังไม่ลงทะเบียน"]];
    var all = S.personas.concat(S.custom.map(function (c) { return Object.assign({ role: null }, c); }));
    groups.forEach(function (g) {
      var items = all.filter(function (p) { return (p.role || null) === g[0]; });
      if (!items.length) return;
      box.appendChild(el("h4", "group", g[1]));
      items.forEach(function (p) { box.appendChild(personaCard(p)); });
    });
    if (!all.length) box.appendChild(el("p", "muted pad", "ยังไม่มีข้อมูลตัวอย่าง: รัน flask --app bot seed-demo"));
  }

  function newUser() {
    var p = { userId: randomUserId(), name: "ผู้ใช้ใหม่ " + (S.custom.length + 1), status: "new", role: null };
    S.custom.push(p);
    save();
    renderPersonas();
    selectPersona(p.userId);
    api("/sim/api/profile", { json: { userId: p.userId, displayName: p.name } }).then(function () {
      sendEvent({ type: "follow" }, { note: "คุณเพิ่ม บอทคุณธรรม เป็นเพื่อนแล้ว" });
    });
  }

  function selectPersona(userId) {
    var p = persona(userId);
    if (!p) return;
    S.current = userId;
    S.unread[userId] = 0;
    document.body.classList.add("in-chat");
    $("app").classList.add("in-chat");
    $("empty").hidden = true;
    ["chat-head", "log", "composer"].forEach(function (id) { $(id).hidden = false; });
    $("who").textContent = "คุณคือ: " + (p.name || "") + (p.role ? " (" + (ROLE_TH[p.role] || p.role) + ")" : " (ผู้ใช้ใหม่)");
    if (p.role) api("/sim/api/profile", { json: { userId: userId, displayName: p.name } });
    renderPersonas();
    renderLog();
    refreshMenu(true);
    $("text").focus({ preventScroll: true });
  }

  // ---- chat log --------------------------------------------------------------------------------
  function push(userId, item) {
    (S.logs[userId] = S.logs[userId] || []).push(item);
  }

  function renderItem(item) {
    if (item.dir === "note") {
      return el("div", "note" + (item.error ? " error" : ""), item.text);
    }
    var row = el("div", "row " + (item.dir === "out" ? "out" : "in"));
    row.dataset.testid = item.dir === "out" ? "user-message" : "bot-message";
    if (item.dir === "in") {
      row.appendChild(el("div", "bot-avatar", "ค"));
    }
    var col = el("div", "col");
    if (item.dir === "in" && item.first) col.appendChild(el("div", "sender", "บอทคุณธรรม"));
    var content;
    if (item.dir === "out") {
      if (item.image) {
        content = el("img", "msg-image");
        content.src = item.image;
      } else {
        content = el("div", "balloon text", item.text);
        // what the simulator sent besides the text (a picker's postback params): LINE shows nothing of it
        if (item.sub) content.appendChild(el("div", "balloon-sub", item.sub));
      }
      content.classList.add("mine");
    } else {
      var r = window.LineRender.renderMessage(item.msg, { onAction: function (a) { doAction(a); } });
      content = r.node;
    }
    var line = el("div", "line");
    line.appendChild(content);
    var meta = el("div", "meta");
    if (item.kind === "push" || item.kind === "multicast") meta.appendChild(el("span", "push-tag", "แจ้งเตือน"));
    meta.appendChild(el("span", "time", hhmm(item.ts)));
    line.appendChild(meta);
    col.appendChild(line);
    row.appendChild(col);
    return row;
  }

  function renderLog() {
    var log = $("log");
    log.textContent = "";
    var items = S.logs[S.current] || [];
    if (!items.length) log.appendChild(el("div", "note placeholder", "ยังไม่มีข้อความ ลองพิมพ์ “เมนู” หรือ “ช่วยเหลือ”"));
    var prevIn = false;
    items.forEach(function (it) {
      it.first = it.dir === "in" && !prevIn;
      prevIn = it.dir === "in";
      log.appendChild(renderItem(it));
    });
    renderQuick();
    scrollDown();
  }

  function appendItems(userId, items) {
    if (userId !== S.current) return;
    var log = $("log");
    var placeholder = log.querySelector(".placeholder");
    if (placeholder) placeholder.remove();
    var all = S.logs[userId];
    items.forEach(function (it) {
      var idx = all.indexOf(it);
      it.first = it.dir === "in" && !(idx > 0 && all[idx - 1].dir === "in");
      log.appendChild(renderItem(it));
    });
    renderQuick();
    scrollDown();
  }

  function scrollDown() {
    var log = $("log");
    requestAnimationFrame(function () { log.scrollTop = log.scrollHeight; });
  }

  function renderQuick() {
    var q = $("quick");
    q.textContent = "";
    var items = S.logs[S.current] || [];
    var last = items[items.length - 1];
    var qr = last && last.dir === "in" && last.msg && last.msg.quickReply;
    if (!qr || !qr.items || !qr.items.length) { q.hidden = true; return; }
    qr.items.forEach(function (it) {
      var a = it.action || {};
      var b = el("button", "qr-item", a.label || "");
      b.type = "button";
      b.dataset.testid = "quick-reply";
      b.dataset.actionType = a.type || "";
      if (it.imageUrl) {
        var ic = el("img", "qr-icon");
        ic.src = it.imageUrl;
        b.prepend(ic);
      }
      b.addEventListener("click", function () { doAction(a, true); });
      q.appendChild(b);
    });
    q.hidden = false;
  }

  // ---- sending ---------------------------------------------------------------------------------
  function addOut(userId, item) {
    item.ts = Date.now() / 1000;
    push(userId, item);
    appendItems(userId, [item]);
    save();
  }

  function sendEvent(spec, echo) {
    var userId = S.current;
    if (!userId) return Promise.resolve();
    if (echo && echo.text != null) addOut(userId, { dir: "out", text: echo.text, sub: echo.sub });
    if (echo && echo.image) addOut(userId, { dir: "out", image: echo.image });
    if (echo && echo.note) addOut(userId, { dir: "note", text: echo.note });
    if (S.logs[userId] && S.logs[userId].length) { $("quick").hidden = true; }
    return api("/sim/api/send", { json: Object.assign({ userId: userId }, spec) }).then(function (r) {
      if (!r.ok || (r.body && r.body.status && r.body.status !== 200)) {
        var why = (r.body && (r.body.error || r.body.message)) || ("HTTP " + r.status);
        if (r.body && r.body.status) why = "บอทตอบ webhook ด้วยรหัส " + r.body.status;
        addOut(userId, { dir: "note", error: true, text: "ส่งไม่สำเร็จ: " + why });
      }
      setTimeout(poll, 150);
      if (spec.type === "follow" || spec.type === "postback") setTimeout(function () { refreshMenu(false); }, 1200);
    }).catch(function (e) {
      addOut(userId, { dir: "note", error: true, text: "ส่งไม่สำเร็จ: " + e });
    });
  }

  function sendText(text) {
    text = (text || "").trim();
    if (!text) return;
    sendEvent({ type: "text", text: text }, { text: text });
  }

  function shrinkImage(file) {
    // The web app accepts bodies up to 1 MB: scale big photos down like LINE does.
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var max = 1280, w = img.naturalWidth, h = img.naturalHeight, k = Math.min(1, max / Math.max(w, h));
        var c = document.createElement("canvas");
        c.width = Math.max(1, Math.round(w * k));
        c.height = Math.max(1, Math.round(h * k));
        c.getContext("2d").drawImage(img, 0, 0, c.width, c.height);
        var q = 0.85, data = c.toDataURL("image/jpeg", q);
        while (data.length > 900000 && q > 0.3) { q -= 0.15; data = c.toDataURL("image/jpeg", q); }
        URL.revokeObjectURL(url);
        resolve(data);
      };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("อ่านรูปไม่ได้")); };
      img.src = url;
    });
  }

  function sendImage(file) {
    if (!file) return;
    shrinkImage(file).then(function (dataUrl) {
      var b64 = dataUrl.split(",")[1];
      sendEvent({ type: "image", imageBase64: b64, contentType: "image/jpeg" }, { image: dataUrl });
    }).catch(function (e) { toast(String(e.message || e)); });
  }

  // ---- actions (quick replies, Flex buttons, rich menu areas) ------------------------------------
  // ---- date picker: looks like LINE's in Thai (day, month name, พ.ศ.), sends what LINE sends ----------
  // LINE's datetimepicker answers with postback.params {date: "YYYY-MM-DD"}, {time: "HH:mm"} or
  // {datetime: "YYYY-MM-DDTHH:mm"} (CE, ISO): only the display is Thai, the params stay LINE's.
  var TH_MONTHS = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."];
  var TH_MONTHS_LONG = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                        "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
  var TH_WEEKDAYS = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];
  var BE = 543;
  function pad2(n) { return ("0" + n).slice(-2); }
  function isoDay(p) { return p.y + "-" + pad2(p.m) + "-" + pad2(p.d); }
  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  function weekday(p) { return TH_WEEKDAYS[new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay()]; }
  function thaiDay(p) { return p.d + " " + TH_MONTHS[p.m - 1] + " " + (p.y + BE); }
  function bkkNow() {
    var n = new Date(Date.now() + 7 * 3600 * 1000);  // Bangkok has no DST: UTC+7 all year
    return { y: n.getUTCFullYear(), m: n.getUTCMonth() + 1, d: n.getUTCDate(), hh: n.getUTCHours(), mm: n.getUTCMinutes() };
  }
  // LINE's own value formats (initial/min/max), CE
  function fromLine(v) {
    var m = /^(?:(\d{4})-(\d{2})-(\d{2}))?T?(?:(\d{2}):(\d{2}))?$/.exec(v || "");
    if (!m || !v) return null;
    var p = {};
    if (m[1]) { p.y = +m[1]; p.m = +m[2]; p.d = +m[3]; }
    if (m[4]) { p.hh = +m[4]; p.mm = +m[5]; }
    return p;
  }
  // What a person types in the box, read like bot/services/thai_dates.py (the reference; keep the two in step):
  // พ.ศ. years, Thai or Arabic digits, month names or d/m/y; a CE year only in ISO order (what LINE itself writes).
  function parseTyped(text, mode) {
    var s = (text || "").replace(/[๐-๙]/g, function (c) { return String(c.charCodeAt(0) - 0x0E50); })
      .replace(/\s+/g, " ").trim().replace(/^วัน(?:ที่)?\s*/, "").replace(/\s*น\.?$/, "");
    var p = {}, m;
    m = /(?:^|[\sT])(?:เวลา\s*)?(\d{1,2})[:.](\d{2})$/.exec(s);
    if (m && (m.index > 0 || mode === "time")) {
      p.hh = +m[1]; p.mm = +m[2];
      if (p.hh > 23 || p.mm > 59) return null;
      s = s.slice(0, m.index).trim();
    }
    if (mode === "time") return s === "" && p.hh != null ? p : null;
    var y, mo, d, iso = false;
    s = s.replace(/พ\.?\s*ศ\.?\s*/, "");
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) { y = +m[1]; mo = +m[2]; d = +m[3]; iso = true; }
    else if ((m = /^(\d{1,2})\s*([\/.-])\s*(\d{1,2})\s*\2\s*(\d{4})$/.exec(s))) { d = +m[1]; mo = +m[3]; y = +m[4]; }
    else if ((m = /^(\d{1,2})\s*([\u0E01-\u0E4F][^\d]*?)\s*(\d{4})$/.exec(s))) {
      var key = m[2].replace(/[.\s]/g, "");
      d = +m[1]; y = +m[3];
      mo = 0;
      for (var i = 0; i < 12; i++) {
        var long = TH_MONTHS_LONG[i];
        if (key === TH_MONTHS[i].replace(/\./g, "") || key === long ||
            key === long.replace(/(าคม|ายน|าพันธ์)$/, "า")) mo = i + 1;
      }
    } else return null;
    if (y >= 2400 && y < 2800) y -= BE;
    else if (!(iso && y >= 1900 && y < 2200)) return null;
    if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo))) return null;
    p.y = y; p.m = mo; p.d = d;
    if (mode === "datetime" && p.hh == null) return null;
    return p;
  }

  function fillSelect(sel, items, value) {
    sel.innerHTML = "";
    items.forEach(function (it) {
      var o = el("option", null, it[1]);
      o.value = String(it[0]);
      sel.appendChild(o);
    });
    sel.value = String(value);
  }

  function pickDate(action) {
    var mode = action.mode || "date";
    var hasDate = mode !== "time", hasTime = mode !== "date";
    var input = $("picker-input");
    var now = bkkNow();
    var lo = fromLine(action.min), hi = fromLine(action.max);
    var st = Object.assign({ y: now.y, m: now.m, d: now.d, hh: now.hh, mm: 0 }, fromLine(action.initial) || {});
    function key(p) { return (hasDate ? isoDay(p) : "") + "T" + (hasTime ? pad2(p.hh) + ":" + pad2(p.mm) : ""); }
    if (!action.initial) {  // LINE opens on today (or the nearest allowed day)
      if (lo && key(Object.assign({}, st, lo)) > key(st)) Object.assign(st, lo);
      if (hi && key(Object.assign({}, st, hi)) < key(st)) Object.assign(st, hi);
    }
    function value() {
      if (mode === "time") return pad2(st.hh) + ":" + pad2(st.mm);
      if (mode === "datetime") return isoDay(st) + "T" + pad2(st.hh) + ":" + pad2(st.mm);
      return isoDay(st);
    }
    function shown() {
      var t = pad2(st.hh) + ":" + pad2(st.mm) + " น.";
      if (mode === "time") return t;
      return thaiDay(st) + (hasTime ? " " + t : "");
    }
    function outOfRange() {
      var k = key(st);
      if (lo && k < key(Object.assign({}, st, lo))) return "เลือกได้ตั้งแต่ " + describe(lo);
      if (hi && k > key(Object.assign({}, st, hi))) return "เลือกได้ถึง " + describe(hi);
      return "";
    }
    function describe(p) {
      return (p.y ? thaiDay(p) : "") + (p.hh != null && hasTime ? " " + pad2(p.hh) + ":" + pad2(p.mm) + " น." : "");
    }
    var years = [], y0 = Math.min(now.y - 5, lo && lo.y || now.y), y1 = Math.max(now.y + 5, hi && hi.y || now.y);
    for (var y = y0; y <= y1; y++) years.push([y, String(y + BE)]);
    function sync(fromTyped) {
      st.d = Math.min(st.d, daysIn(st.y, st.m));
      var days = [];
      for (var d = 1; d <= daysIn(st.y, st.m); d++) days.push([d, String(d)]);
      fillSelect($("picker-day"), days, st.d);
      fillSelect($("picker-month"), TH_MONTHS_LONG.map(function (n, i) { return [i + 1, n]; }), st.m);
      fillSelect($("picker-year"), years, st.y);
      var hours = [], mins = [];
      for (var h = 0; h < 24; h++) hours.push([h, pad2(h)]);
      for (var mi = 0; mi < 60; mi++) mins.push([mi, pad2(mi)]);
      fillSelect($("picker-hour"), hours, st.hh);
      fillSelect($("picker-minute"), mins, st.mm);
      $("picker-weekday").textContent = hasDate ? "วัน" + weekday(st) : "";
      $("picker-shown").textContent = shown();
      $("picker-input").dataset.value = value();
      if (!fromTyped) input.value = shown();
      $("picker-error").textContent = outOfRange();
    }
    ["picker-day", "picker-month", "picker-year", "picker-hour", "picker-minute"].forEach(function (id) {
      $(id).onchange = function () {
        st.d = +$("picker-day").value; st.m = +$("picker-month").value; st.y = +$("picker-year").value;
        st.hh = +$("picker-hour").value; st.mm = +$("picker-minute").value;
        sync(false);
      };
    });
    input.oninput = function () {
      var p = parseTyped(input.value, mode);
      if (!p) { $("picker-error").textContent = "อ่านไม่ออก ลองพิมพ์ เช่น " + shown(); return; }
      Object.assign(st, p);
      if (p.y && !years.some(function (it) { return it[0] === p.y; })) years.push([p.y, String(p.y + BE)]);
      sync(true);
    };
    input.onchange = function () { if (parseTyped(input.value, mode)) input.value = shown(); };
    // LINE's limits as attributes too (CE, LINE's format), for tools and tests that read the action back
    input.min = action.min || "";
    input.max = action.max || "";
    $("picker-date").hidden = !hasDate;
    $("picker-time").hidden = !hasTime;
    input.placeholder = mode === "time" ? "เช่น 09:00" : mode === "datetime" ? "เช่น 10 ธ.ค. 2569 09:00" : "เช่น 10 ธ.ค. 2569";
    $("picker-title").textContent = action.label || "เลือกวันที่";
    sync(false);
    var dlg = $("picker");
    dlg.returnValue = "";
    $("picker-ok").onclick = function (e) {
      var why = outOfRange() || (parseTyped(input.value, mode) ? "" : "อ่านไม่ออก ลองพิมพ์ เช่น " + shown());
      if (why) { e.preventDefault(); $("picker-error").textContent = why; }
    };
    dlg.onclose = function () {
      if (dlg.returnValue !== "ok") return;
      var params = {};
      params[mode] = value();
      sendEvent({ type: "postback", data: action.data || "", params: params },
                { text: shown(), sub: "params." + mode + " = " + value() });
    };
    dlg.showModal();
  }

  function doAction(a, fromQuick) {
    if (!a || !S.current) return;
    switch (a.type) {
      case "message":
        sendText(a.text || a.label);
        break;
      case "postback": {
        var shown = a.displayText || a.text;
        sendEvent({ type: "postback", data: a.data || "" }, shown ? { text: shown } : null);
        if (a.inputOption === "openKeyboard") $("text").focus();
        if (a.inputOption === "openRichMenu") setMenuOpen(true);
        if (a.inputOption === "closeRichMenu") setMenuOpen(false);
        if (a.fillInText) $("text").value = a.fillInText;
        break;
      }
      case "datetimepicker":
        pickDate(a);
        break;
      case "uri":
        if (/^https?:/.test(a.uri || "")) window.open(a.uri, "_blank", "noopener");
        else toast("ลิงก์นี้เปิดใน LINE จริง: " + (a.uri || ""));
        break;
      case "camera":
      case "cameraRoll":
        $("file").click();
        break;
      case "richmenuswitch":
        switchMenu(a.richMenuAliasId, a.data);
        break;
      case "clipboard":
        if (navigator.clipboard) navigator.clipboard.writeText(a.clipboardText || "");
        toast("คัดลอกแล้ว");
        break;
      case "location":
        toast("ตำแหน่งที่ตั้ง: ไม่รองรับในระบบจำลอง");
        break;
      default:
        toast("ปุ่มชนิด " + a.type + " ไม่รองรับในระบบจำลอง");
    }
    if (fromQuick) $("quick").hidden = true;
  }

  // ---- rich menu -------------------------------------------------------------------------------
  function menuState() {
    var m = S.menus[S.current];
    if (!m) m = S.menus[S.current] = { linkedId: null, shown: null, open: null };
    return m;
  }

  function refreshMenu(first) {
    var userId = S.current;
    if (!userId) return;
    api("/sim/api/richmenu/user/" + userId).then(function (r) {
      if (userId !== S.current) return;
      var m = menuState();
      var view = r.ok ? r.body : null;
      var id = view && view.richMenuId;
      if (id !== m.linkedId) {
        m.linkedId = id;
        m.shown = view && view.richMenu ? view : null;
        if (m.open === null && m.shown) m.open = !!m.shown.richMenu.selected;
        renderMenu();
      } else if (first) {
        renderMenu();
      }
    });
  }

  function switchMenu(aliasId, data) {
    api("/sim/api/richmenu/alias/" + encodeURIComponent(aliasId || "")).then(function (r) {
      var ok = r.ok && r.body && r.body.richMenu;
      if (ok) {
        var m = menuState();
        m.shown = r.body;
        m.open = true;
        renderMenu();
      }
      sendEvent({ type: "postback", data: data || "",
                  params: { newRichMenuAliasId: aliasId || "", status: ok ? "SUCCESS" : "RICHMENU_ALIAS_ID_NOTFOUND" } });
    });
  }

  function setMenuOpen(open) {
    var m = menuState();
    m.open = open;
    renderMenu();
  }

  function renderMenu() {
    var m = menuState();
    var box = $("richmenu"), panel = $("menu-panel"), toggle = $("menu-toggle");
    var view = m.shown;
    if (!view || !view.richMenu || !view.imageUrl) {
      box.hidden = true;
      toggle.hidden = true;
      return;
    }
    var menu = view.richMenu, size = menu.size || { width: 2500, height: 1686 };
    box.hidden = false;
    toggle.hidden = false;
    $("chatbar").textContent = (menu.chatBarText || "เมนู") + (m.open ? " ▾" : " ▴");
    panel.hidden = !m.open;
    box.classList.toggle("open", !!m.open);
    if (panel.dataset.menuId === view.richMenuId) return;
    panel.dataset.menuId = view.richMenuId;
    panel.textContent = "";
    var frame = el("div", "menu-frame");
    frame.style.aspectRatio = size.width + " / " + size.height;
    var img = el("img", "menu-img");
    img.src = "/sim/api/richmenu/" + encodeURIComponent(view.richMenuId) + "/image";
    img.alt = menu.name || "ริชเมนู";
    frame.appendChild(img);
    (menu.areas || []).forEach(function (area, i) {
      var bd = area.bounds || {};
      var a = el("button", "menu-area");
      a.type = "button";
      a.dataset.testid = "richmenu-area";
      a.dataset.index = String(i);
      a.dataset.actionType = (area.action && area.action.type) || "";
      a.title = window.LineRender.actionLabel(area.action) || ("ปุ่มที่ " + (i + 1));
      a.setAttribute("aria-label", a.title);
      a.style.left = (100 * bd.x / size.width) + "%";
      a.style.top = (100 * bd.y / size.height) + "%";
      a.style.width = (100 * bd.width / size.width) + "%";
      a.style.height = (100 * bd.height / size.height) + "%";
      a.addEventListener("click", function () { doAction(area.action); });
      frame.appendChild(a);
    });
    panel.appendChild(frame);
  }

  // ---- polling ---------------------------------------------------------------------------------
  var polling = false;
  function poll() {
    if (polling) return;
    polling = true;
    api("/sim/api/deliveries?since=" + S.lastSeq).then(function (r) {
      if (!r.ok || !r.body) return;
      var fresh = {};
      (r.body.deliveries || []).forEach(function (d) {
        if (d.seq <= S.lastSeq) return;
        S.lastSeq = Math.max(S.lastSeq, d.seq);
        (d.messages || []).forEach(function (msg) {
          var item = { dir: "in", kind: d.kind, msg: msg, ts: d.timestamp, seq: d.seq };
          push(d.to, item);
          (fresh[d.to] = fresh[d.to] || []).push(item);
        });
      });
      var users = Object.keys(fresh);
      if (!users.length) return;
      var unknown = false;
      users.forEach(function (u) {
        if (u === S.current) appendItems(u, fresh[u]);
        else S.unread[u] = (S.unread[u] || 0) + fresh[u].length;
        if (!persona(u)) unknown = true;
      });
      save();
      if (users.indexOf(S.current) >= 0) refreshMenu(false);
      if (unknown || users.some(function (u) { return u !== S.current; })) loadPersonas();
    }).catch(function () { /* server restarting: try again */ }).then(function () {
      polling = false;
    });
  }

  // ---- newcomer's box: invite codes, run the clock's jobs now ------------------------------------
  var JOB_TH = { reminders: "แจ้งเตือนกำหนดส่งรายงาน", campaigns: "กิจกรรม", digest: "สรุปประจำสัปดาห์" };

  function loadDemo() {
    return api("/sim/api/demo").then(function (r) {
      var list = $("invites");
      list.textContent = "";
      if (!r.ok || !r.body) { list.appendChild(el("li", "muted", "โหลดรหัสเชิญไม่ได้")); return; }
      if (r.body.howToRegister) $("demo-how").textContent = "กด “+ ผู้ใช้ใหม่” แล้ว" + r.body.howToRegister;
      var codes = r.body.invites || [];
      if (!codes.length) list.appendChild(el("li", "muted", "ยังไม่มีรหัสเชิญ: รัน flask --app bot seed-demo"));
      codes.forEach(function (c) {
        var li = el("li");
        li.dataset.testid = "invite";
        li.dataset.bureauCode = c.bureauCode || "";
        li.appendChild(el("span", "invite-bureau", c.bureau));
        var code = el("code", null, c.code);
        code.dataset.testid = "invite-code";
        code.title = "แตะเพื่อใส่รหัสในช่องพิมพ์";
        // Tapping a code puts it in the composer of the open chat: one less thing to retype.
        code.addEventListener("click", function () {
          if (S.current) { $("text").value = c.code; $("text").focus(); }
          else if (navigator.clipboard) { navigator.clipboard.writeText(c.code); toast("คัดลอกรหัสแล้ว"); }
        });
        li.appendChild(code);
        list.appendChild(li);
      });
    });
  }

  function runJobs() {
    var btn = $("run-jobs"), out = $("run-jobs-result");
    btn.disabled = true;
    out.textContent = "กำลังรันงาน…";
    api("/sim/api/jobs/run", { json: {} }).then(function (r) {
      if (!r.ok || !r.body || !r.body.jobs) {
        out.textContent = "รันงานไม่สำเร็จ: " + ((r.body && r.body.error) || ("HTTP " + r.status));
        return;
      }
      var parts = Object.keys(r.body.jobs).map(function (name) {
        return (JOB_TH[name] || name) + " " + r.body.jobs[name];
      });
      var added = Object.keys(r.body.jobs).reduce(function (n, k) { return n + r.body.jobs[k]; }, 0);
      out.textContent = (added || r.body.released)
        ? "ข้อความใหม่ " + added + " รายการ (" + parts.join(", ") + ")" +
          (r.body.released ? " ปล่อยข้อความที่พักไว้ " + r.body.released + " รายการ" : "") +
          " · ส่งแล้ว " + r.body.sent + " · ดูได้ในแชตของผู้รับ (ตัวเลขสีแดงข้างชื่อ)"
        : "ไม่มีข้อความใหม่: ส่งไปแล้ว หรือยังไม่มีงานที่ถึงกำหนด";
      poll();
    }).catch(function (e) { out.textContent = "รันงานไม่สำเร็จ: " + e; })
      .then(function () { btn.disabled = false; });
  }

  // ---- wiring ----------------------------------------------------------------------------------
  function wire() {
    $("composer").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var t = $("text");
      sendText(t.value);
      t.value = "";
    });
    $("new-user").addEventListener("click", newUser);
    $("run-jobs").addEventListener("click", runJobs);
    $("pick-image").addEventListener("click", function () { $("file").click(); });
    $("file").addEventListener("change", function (ev) {
      sendImage(ev.target.files && ev.target.files[0]);
      ev.target.value = "";
    });
    $("follow").addEventListener("click", function () {
      sendEvent({ type: "follow" }, { note: "คุณเพิ่ม บอทคุณธรรม เป็นเพื่อน" });
    });
    $("unfollow").addEventListener("click", function () {
      sendEvent({ type: "unfollow" }, { note: "คุณบล็อก บอทคุณธรรม (unfollow)" });
    });
    $("back").addEventListener("click", function () {
      $("app").classList.remove("in-chat");
      document.body.classList.remove("in-chat");
      loadPersonas();
    });
    $("chatbar").addEventListener("click", function () { setMenuOpen(!menuState().open); });
    $("menu-toggle").addEventListener("click", function () { setMenuOpen(!menuState().open); });
    $("text").addEventListener("focus", function () {
      if (window.matchMedia("(max-width: 720px)").matches && menuState().open) setMenuOpen(false);
    });
  }

  function start() {
    wire();
    api("/sim/api/info").then(function (r) {
      S.run = (r.body && r.body.run) || "local";
      load();
      loadDemo();
      return loadPersonas();
    }).then(function () {
      setInterval(poll, POLL_MS);
      setInterval(function () { if (S.current) refreshMenu(false); }, 10000);
      poll();
      document.documentElement.dataset.ready = "1";
    });
  }

  window.LineSim = { state: S, select: selectPersona, send: sendText };
  start();
})();
