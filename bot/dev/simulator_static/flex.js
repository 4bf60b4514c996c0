/* Renders LINE messages (text, image, sticker, Flex bubble/carousel, templates) into DOM nodes.
   Only what the bot uses, well enough to read and tap. No dependencies. */
(function () {
  "use strict";

  var SIZE_PX = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  var SPACE_PX = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  var IMG_PX = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 240, "5xl": 360 };
  var ICON_PX = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  var BUBBLE_PX = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function px(v, table) {
    if (v == null) return null;
    if (typeof v === "number") return v + "px";
    if (table && Object.prototype.hasOwnProperty.call(table, v)) return table[v] + "px";
    if (/^-?\d+(\.\d+)?(px|%)$/.test(v)) return v;
    return null;
  }

  function safeUrl(u) {
    return typeof u === "string" && /^(https?:|\/|data:image\/)/.test(u) ? u : "";
  }

  function actionLabel(a) {
    return (a && (a.label || a.text || a.displayText)) || "";
  }

  function clickable(node, action, onAction) {
    if (!action) return;
    node.classList.add("tappable");
    node.setAttribute("role", "button");
    node.tabIndex = 0;
    node.dataset.actionType = action.type || "";
    var fire = function (ev) { ev.stopPropagation(); ev.preventDefault(); onAction(action); };
    node.addEventListener("click", fire);
    node.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") fire(ev); });
  }

  // Margin is the gap before a component (LINE puts it on the side facing the previous sibling).
  function applyCommon(node, c, parentLayout, index) {
    var s = node.style;
    var flexDefault = parentLayout === "vertical" ? 0 : 1;
    var flex = c.flex != null ? c.flex : flexDefault;
    if (parentLayout === "vertical") {
      s.flex = flex > 0 ? flex + " 1 0" : "0 0 auto";
    } else {
      s.flex = flex > 0 ? flex + " 1 0" : "0 0 auto";
      if (flex > 0) s.minWidth = "0";
    }
    var m = px(c.margin, SPACE_PX);
    if (m && index > 0) {
      if (parentLayout === "vertical") s.marginTop = m; else s.marginLeft = m;
    }
    if (c.position === "absolute") {
      s.position = "absolute";
      ["Top", "Bottom", "Start", "End"].forEach(function (k) {
        var v = px(c["offset" + k], SPACE_PX);
        if (v) s[{ Top: "top", Bottom: "bottom", Start: "left", End: "right" }[k]] = v;
      });
    } else if (c.offsetTop || c.offsetStart) {
      s.position = "relative";
      var t = px(c.offsetTop, SPACE_PX), l = px(c.offsetStart, SPACE_PX);
      if (t) s.top = t;
      if (l) s.left = l;
    }
    if (c.gravity && parentLayout !== "vertical") {
      s.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[c.gravity] || "";
    }
    if (c.width) s.width = px(c.width) || "";
    if (c.height && c.type === "box") s.height = px(c.height) || "";
    if (c.maxWidth) s.maxWidth = px(c.maxWidth) || "";
    if (c.maxHeight) s.maxHeight = px(c.maxHeight) || "";
  }

  function renderBox(c, ctx, parentLayout, index) {
    var layout = c.layout || "vertical";
    var node = el("div", "fx-box fx-" + layout);
    var s = node.style;
    applyCommon(node, c, parentLayout, index);
    var gap = px(c.spacing, SPACE_PX);
    if (c.backgroundColor) s.backgroundColor = c.backgroundColor;
    if (c.background && c.background.type === "linearGradient") {
      s.backgroundImage = "linear-gradient(" + (c.background.angle || "0deg") + "," +
        (c.background.startColor || "#fff") + "," + (c.background.endColor || "#fff") + ")";
    }
    if (c.borderColor) s.borderColor = c.borderColor;
    var bw = { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 }[c.borderWidth];
    if (bw != null) { s.borderWidth = bw + "px"; s.borderStyle = "solid"; }
    else if (px(c.borderWidth)) { s.borderWidth = px(c.borderWidth); s.borderStyle = "solid"; }
    var cr = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 }[c.cornerRadius];
    if (cr != null) s.borderRadius = cr + "px"; else if (px(c.cornerRadius)) s.borderRadius = px(c.cornerRadius);
    if (c.cornerRadius) s.overflow = "hidden";
    var pa = px(c.paddingAll, SPACE_PX);
    if (pa) s.padding = pa;
    [["paddingTop", "paddingTop"], ["paddingBottom", "paddingBottom"], ["paddingStart", "paddingLeft"],
     ["paddingEnd", "paddingRight"]].forEach(function (p) {
      var v = px(c[p[0]], SPACE_PX);
      if (v) s[p[1]] = v;
    });
    if (c.justifyContent) s.justifyContent = c.justifyContent;
    if (c.alignItems) s.alignItems = c.alignItems;
    (c.contents || []).forEach(function (child, i) {
      var n = renderComponent(child, ctx, layout, i);
      if (!n) return;
      if (gap && i > 0 && !child.margin && child.type !== "filler") {
        if (layout === "vertical") n.style.marginTop = gap; else n.style.marginLeft = gap;
      }
      node.appendChild(n);
    });
    clickable(node, c.action, ctx.onAction);
    return node;
  }

  function styleText(node, c) {
    var s = node.style;
    var size = px(c.size, SIZE_PX) || "16px";
    s.fontSize = size;
    if (c.weight === "bold") s.fontWeight = "700";
    if (c.color) s.color = c.color;
    if (c.style === "italic") s.fontStyle = "italic";
    if (c.decoration === "underline") s.textDecoration = "underline";
    if (c.decoration === "line-through") s.textDecoration = "line-through";
  }

  function renderText(c, ctx, parentLayout, index) {
    var node = el("div", "fx-text");
    applyCommon(node, c, parentLayout, index);
    styleText(node, c);
    if (c.align) node.style.textAlign = { start: "left", end: "right", center: "center" }[c.align] || "";
    if (c.lineSpacing) node.style.lineHeight = "calc(1.4em + " + (px(c.lineSpacing) || "0px") + ")";
    if (c.wrap) {
      node.classList.add("wrap");
      if (c.maxLines) { node.classList.add("clamp"); node.style.webkitLineClamp = String(c.maxLines); }
    } else {
      node.classList.add("nowrap");
    }
    if (Array.isArray(c.contents) && c.contents.length) {
      c.contents.forEach(function (span) {
        if (span.type !== "span") return;
        var sp = el("span", null, span.text || "");
        styleText(sp, span);
        if (!span.size) sp.style.fontSize = "";
        node.appendChild(sp);
      });
    } else {
      node.textContent = c.text || "";
    }
    clickable(node, c.action, ctx.onAction);
    return node;
  }

  function ratio(str) {
    var m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(str || "1:1");
    return m ? (parseFloat(m[1]) + " / " + parseFloat(m[2])) : "1 / 1";
  }

  function renderImage(c, ctx, parentLayout, index) {
    var wrap = el("div", "fx-image");
    applyCommon(wrap, c, parentLayout, index);
    wrap.style.display = "flex";
    wrap.style.justifyContent = { start: "flex-start", end: "flex-end" }[c.align] || "center";
    var frame = el("div", "fx-image-frame");
    var size = c.size || "md";
    frame.style.width = size === "full" ? "100%" : (px(size, IMG_PX) || "100px");
    frame.style.maxWidth = "100%";
    frame.style.aspectRatio = ratio(c.aspectRatio);
    if (c.backgroundColor) frame.style.backgroundColor = c.backgroundColor;
    var img = el("img");
    img.src = safeUrl(c.url);
    img.alt = "";
    img.loading = "lazy";
    img.style.objectFit = c.aspectMode === "cover" ? "cover" : "contain";
    frame.appendChild(img);
    wrap.appendChild(frame);
    clickable(wrap, c.action, ctx.onAction);
    return wrap;
  }

  function renderIcon(c, ctx, parentLayout, index) {
    var img = el("img", "fx-icon");
    applyCommon(img, c, parentLayout, index);
    img.style.flex = "0 0 auto";
    var h = px(c.size, ICON_PX) || "16px";
    img.style.height = h;
    img.style.width = "auto";
    img.src = safeUrl(c.url);
    img.alt = "";
    return img;
  }

  function renderButton(c, ctx, parentLayout, index) {
    var style = c.style || "link";
    var b = el("button", "fx-button fx-btn-" + style + (c.height === "sm" ? " fx-btn-sm" : ""));
    b.type = "button";
    applyCommon(b, c, parentLayout, index);
    b.textContent = actionLabel(c.action);
    if (c.color) {
      if (style === "link") b.style.color = c.color; else b.style.backgroundColor = c.color;
    }
    b.dataset.testid = "flex-button";
    if (c.action) {
      b.dataset.actionType = c.action.type || "";
      b.addEventListener("click", function (ev) { ev.stopPropagation(); ctx.onAction(c.action); });
    }
    return b;
  }

  function renderSeparator(c, ctx, parentLayout, index) {
    var node = el("div", "fx-separator " + (parentLayout === "vertical" ? "h" : "v"));
    applyCommon(node, c, parentLayout, index);
    node.style.flex = "0 0 auto";
    if (c.color) node.style.backgroundColor = c.color;
    return node;
  }

  function renderSpacer(c, ctx, parentLayout) {
    var node = el("div", "fx-spacer");
    var v = px(c.size, SPACE_PX) || "8px";
    node.style.flex = "0 0 " + v;
    if (parentLayout === "vertical") node.style.height = v; else node.style.width = v;
    return node;
  }

  function renderComponent(c, ctx, parentLayout, index) {
    if (!c || typeof c !== "object") return null;
    switch (c.type) {
      case "box": return renderBox(c, ctx, parentLayout, index);
      case "text": return renderText(c, ctx, parentLayout, index);
      case "image": return renderImage(c, ctx, parentLayout, index);
      case "icon": return renderIcon(c, ctx, parentLayout, index);
      case "button": return renderButton(c, ctx, parentLayout, index);
      case "separator": return renderSeparator(c, ctx, parentLayout, index);
      case "spacer": return renderSpacer(c, ctx, parentLayout, index);
      case "filler": {
        var f = el("div", "fx-filler");
        f.style.flex = (c.flex != null ? c.flex : 1) + " 1 0";
        return f;
      }
      case "span": return el("span", null, c.text || "");
      case "video": return c.altContent ? renderComponent(c.altContent, ctx, parentLayout, index)
        : el("div", "fx-text", "[วิดีโอ]");
      default: return el("div", "fx-text muted", "[" + c.type + "]");
    }
  }

  function renderBubble(b, ctx) {
    var node = el("div", "fx-bubble");
    node.dataset.testid = "flex-bubble";
    var w = BUBBLE_PX[b.size || "mega"] || 300;
    node.style.width = "min(" + w + "px, 78vw)";
    if (b.direction === "rtl") node.style.direction = "rtl";
    var styles = b.styles || {};
    ["header", "hero", "body", "footer"].forEach(function (part) {
      var comp = b[part];
      if (!comp) return;
      var block = el("div", "fx-block fx-" + part);
      var st = styles[part] || {};
      if (st.backgroundColor) block.style.backgroundColor = st.backgroundColor;
      if (st.separator) block.classList.add("fx-sep-above");
      if (st.separatorColor) block.style.borderTopColor = st.separatorColor;
      // The block's box carries LINE's default padding, so its background fills the whole block.
      if (comp.type === "box" && comp.paddingAll == null) {
        comp = Object.assign({}, comp, { paddingAll: { header: "20px", body: "20px", footer: "10px", hero: "0px" }[part] });
      }
      var inner = renderComponent(comp, ctx, "vertical", 0);
      if (inner) {
        inner.style.flex = "1 1 auto";
        block.appendChild(inner);
      }
      node.appendChild(block);
    });
    clickable(node, b.action, ctx.onAction);
    return node;
  }

  function renderFlex(contents, ctx) {
    if (contents && contents.type === "carousel") {
      var row = el("div", "fx-carousel");
      row.dataset.testid = "flex-carousel";
      (contents.contents || []).forEach(function (b) { row.appendChild(renderBubble(b, ctx)); });
      return row;
    }
    return renderBubble(contents || {}, ctx);
  }

  function renderTemplate(t, ctx) {
    var node = el("div", "tpl");
    if (t.type === "carousel" || t.type === "image_carousel") {
      var row = el("div", "fx-carousel");
      (t.columns || []).forEach(function (col) {
        row.appendChild(renderTemplate(Object.assign({ type: t.type === "carousel" ? "buttons" : "image" }, col), ctx));
      });
      return row;
    }
    var img = t.thumbnailImageUrl || t.imageUrl;
    if (img) {
      var im = el("img", "tpl-img");
      im.src = safeUrl(img);
      node.appendChild(im);
    }
    if (t.title) node.appendChild(el("div", "tpl-title", t.title));
    if (t.text) node.appendChild(el("div", "tpl-text", t.text));
    var acts = t.actions || (t.action ? [t.action] : []);
    var box = el("div", t.type === "confirm" ? "tpl-actions confirm" : "tpl-actions");
    acts.forEach(function (a) {
      var b = el("button", "tpl-btn", actionLabel(a));
      b.type = "button";
      b.addEventListener("click", function () { ctx.onAction(a); });
      box.appendChild(b);
    });
    node.appendChild(box);
    return node;
  }

  /* One LINE message → {node, kind}. kind "bubble" means it sits in a chat balloon. */
  function renderMessage(m, ctx) {
    switch (m.type) {
      case "text": {
        var t = el("div", "balloon text");
        t.textContent = m.text || "";
        return { node: t, kind: "balloon" };
      }
      case "textV2": {
        var t2 = el("div", "balloon text");
        t2.textContent = (m.text || "").replace(/\{(\w+)\}/g, function (_, k) {
          var sub = (m.substitution || {})[k];
          return sub && sub.type === "mention" ? "@ผู้ใช้" : sub && sub.emojiId ? "😊" : "{" + k + "}";
        });
        return { node: t2, kind: "balloon" };
      }
      case "image": {
        var i = el("img", "msg-image");
        i.src = safeUrl(m.previewImageUrl || m.originalContentUrl);
        i.alt = "รูปภาพ";
        i.addEventListener("click", function () { window.open(safeUrl(m.originalContentUrl), "_blank", "noopener"); });
        return { node: i, kind: "media" };
      }
      case "sticker":
        return { node: el("div", "sticker", "🙂"), kind: "media" };
      case "flex":
        return { node: renderFlex(m.contents, ctx), kind: "flex" };
      case "template":
        return { node: renderTemplate(m.template || {}, ctx), kind: "flex" };
      case "imagemap": {
        var im = el("img", "msg-image");
        im.src = safeUrl((m.baseUrl || "") + "/700");
        return { node: im, kind: "media" };
      }
      default:
        return { node: el("div", "balloon text muted", "[ข้อความชนิด " + m.type + "]"), kind: "balloon" };
    }
  }

  window.LineRender = { renderMessage: renderMessage, renderFlex: renderFlex, actionLabel: actionLabel };
})();
