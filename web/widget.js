/*
 * The clinic assistant's chat widget. Embed with one tag:
 *   <script src="https://<assistant host>/webhooks/webchat/widget.js" defer></script>
 * Optional attributes: data-open="true" (start open), data-title="..." (panel heading).
 *
 * Safety rules this file keeps:
 * - Bot text is inserted with text nodes only (never innerHTML), so no markup it contains runs.
 * - Links are made only for http:, https:, tel:, sms: and mailto: addresses.
 * - Nothing is loaded from anywhere but the assistant's own server: no fonts, no trackers.
 * - A vote ("Did this answer help?") names only the one-time reference the server sent with
 *   that answer; the server decides which entry it counts for (bot/feedback/votes.py).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__clinicChatLoaded) {
    return;
  }
  window.__clinicChatLoaded = true;

  var BASE = new URL(".", script.src).href; // .../webhooks/webchat/
  var SERVER = new URL(script.src).origin;
  var TOKEN_KEY = "clinicChat.session:" + SERVER;
  var SAFE_PROTOCOLS = ["http:", "https:", "tel:", "sms:", "mailto:"];
  var startOpen = script.getAttribute("data-open") === "true";
  var config = {
    clinicName: "the clinic",
    phoneDisplay: "",
    phoneHref: "",
    crisisLine: "988",
    emergencyNumber: "911",
    privacyUrl: BASE + "privacy",
    socketPath: "/socket.io",
    maxMessageChars: 1000,
    idleMinutes: 30,
  };
  var socket = null;
  var idleTimer = null;
  var typingTimer = null;
  var ui = {};
  var welcome = null; // greeting, open/closed note and topics, sent by the server per session
  var uid = Math.random().toString(36).slice(2, 8);
  var counter = 0;

  // ---- small DOM helpers (text nodes only) ---------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "className") {
        node.className = attrs[key];
      } else if (key === "text") {
        node.textContent = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function safeHref(url) {
    try {
      var parsed = new URL(url, SERVER);
      if (SAFE_PROTOCOLS.indexOf(parsed.protocol) === -1) {
        return null;
      }
      return parsed.href;
    } catch (e) {
      return null;
    }
  }

  function link(label, href) {
    var safe = safeHref(href);
    if (!safe) {
      return document.createTextNode(label);
    }
    var a = el("a", { href: safe, text: label });
    if (/^https?:/.test(safe)) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    }
    return a;
  }

  // Markdown links, bare web addresses, e-mail addresses and phone numbers become links.
  var TOKEN = new RegExp(
    [
      "\\[([^\\]]+)\\]\\(([^)\\s]+)\\)", // [label](address)
      "(https?:\\/\\/[^\\s<>()]+[^\\s<>().,;:!?'\"])", // web address
      "([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})", // e-mail
      "((?:\\+?1[ .-]?)?\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]\\d{4}\\b)", // phone (NANP)
    ].join("|"),
    "g"
  );

  function appendInline(parent, text) {
    var last = 0;
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match.index > last) {
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      }
      if (match[1] !== undefined) {
        parent.appendChild(link(match[1], match[2]));
      } else if (match[3] !== undefined) {
        parent.appendChild(link(match[3], match[3]));
      } else if (match[4] !== undefined) {
        parent.appendChild(link(match[4], "mailto:" + match[4]));
      } else {
        parent.appendChild(link(match[5], "tel:" + match[5].replace(/[^\d+]/g, "")));
      }
      last = TOKEN.lastIndex;
    }
    if (last < text.length) {
      parent.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  var SPANISH = /^(?:-\s*)?(?:En espa\u00f1ol|Espa\u00f1ol|Espanol)\b/i;

  function appendParagraphs(parent, text) {
    String(text || "")
      .split(/\n{2,}/)
      .forEach(function (paragraph) {
        paragraph = paragraph.trim();
        if (!paragraph) {
          return;
        }
        var isSource = /^Source:\s/.test(paragraph);
        var p = el("p", { className: isSource ? "cc-source" : "cc-para" });
        paragraph.split("\n").forEach(function (line, index) {
          if (index) {
            p.appendChild(el("br"));
          }
          if (SPANISH.test(line)) {
            var span = el("span", { lang: "es" }); // read with Spanish pronunciation
            appendInline(span, line);
            p.appendChild(span);
          } else {
            appendInline(p, line);
          }
        });
        parent.appendChild(p);
      });
  }

  // ---- building the widget -----------------------------------------------------------

  function build() {
    var title = script.getAttribute("data-title") || "Ask our assistant";
    ui.launcher = el("button", {
      type: "button",
      className: "cc-launcher",
      "aria-expanded": "false",
      "aria-controls": "cc-panel-" + uid,
      "aria-haspopup": "dialog",
      text: "Chat with us",
    });
    ui.title = el("h2", { className: "cc-title", id: "cc-title-" + uid, text: title });
    ui.close = el("button", {
      type: "button",
      className: "cc-icon-button",
      "aria-label": "Close chat",
      text: "\u00d7",
    });
    ui.notice = el("p", { className: "cc-notice", id: "cc-notice-" + uid }, [
      "Automated assistant, not a clinician. In an emergency call 911. " +
        "In a crisis, call or text 988. ",
    ]);
    ui.privacy = el("a", { className: "cc-privacy", href: config.privacyUrl, text: "Privacy notice" });
    ui.privacy.setAttribute("target", "_blank");
    ui.privacy.setAttribute("rel", "noopener");
    ui.notice.appendChild(ui.privacy);
    ui.log = el("div", {
      className: "cc-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    ui.status = el("p", { className: "cc-status", role: "status", "aria-live": "polite" });
    ui.typing = el("div", { className: "cc-typing", "aria-hidden": "true" }, [
      el("span"),
      el("span"),
      el("span"),
    ]);
    ui.input = el("textarea", {
      id: "cc-input-" + uid,
      className: "cc-input",
      rows: "1",
      maxlength: String(config.maxMessageChars),
      autocomplete: "off",
      placeholder: "Type your question",
      "aria-describedby": "cc-notice-" + uid,
    });
    var label = el("label", {
      className: "cc-visually-hidden",
      for: "cc-input-" + uid,
      text: "Your message",
    });
    ui.send = el("button", { type: "submit", className: "cc-send", text: "Send" });
    ui.form = el("form", { className: "cc-form", novalidate: "" }, [label, ui.input, ui.send]);
    ui.end = el("button", { type: "button", className: "cc-end", text: "End chat" });
    var header = el("div", { className: "cc-header" }, [ui.title, ui.close]);
    var footer = el("div", { className: "cc-footer" }, [ui.end]);
    ui.panel = el(
      "section",
      {
        id: "cc-panel-" + uid,
        className: "cc-panel",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": "cc-title-" + uid,
      },
      [header, ui.notice, ui.log, ui.status, ui.form, footer]
    );
    ui.panel.hidden = true;
    ui.root = el("div", { className: "cc-root" }, [ui.launcher, ui.panel]);
    document.body.appendChild(ui.root);

    ui.launcher.addEventListener("click", function () {
      setOpen(ui.panel.hidden);
    });
    ui.close.addEventListener("click", function () {
      setOpen(false);
    });
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        setOpen(false);
      } else if (event.key === "Tab") {
        keepFocusInside(event);
      }
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendTyped();
    });
    ui.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendTyped();
      }
    });
    ui.end.addEventListener("click", endChat);
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    ui.root.classList.toggle("cc-open", open);
    if (open) {
      ui.input.focus();
      scrollToEnd();
    } else {
      ui.launcher.focus();
    }
  }

  // The open panel is a dialog: Tab and Shift+Tab cycle through its controls only.
  function focusable() {
    var all = ui.panel.querySelectorAll(
      "a[href], button:not([disabled]), textarea:not([disabled]), [tabindex='0']"
    );
    return Array.prototype.filter.call(all, function (node) {
      return node.getClientRects().length > 0;
    });
  }

  function keepFocusInside(event) {
    var items = focusable();
    if (!items.length) {
      return;
    }
    var first = items[0];
    var last = items[items.length - 1];
    var active = document.activeElement;
    if (event.shiftKey && (active === first || !ui.panel.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ui.panel.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  function scrollToEnd() {
    var onlyGreeting = ui.log.children.length === 1 && ui.log.querySelector(".cc-welcome");
    // Nothing asked yet: the greeting is read from its start.
    ui.log.scrollTop = onlyGreeting ? 0 : ui.log.scrollHeight;
  }

  function setStatus(text) {
    ui.status.textContent = text || "";
  }

  // ---- messages ------------------------------------------------------------------------

  function isCrisis(message) {
    return !!(message.custom && message.custom.kind === "crisis");
  }

  function addUser(text) {
    var bubble = el("div", { className: "cc-msg cc-user" });
    bubble.appendChild(el("span", { className: "cc-visually-hidden", text: "You said: " }));
    appendParagraphs(bubble, text);
    ui.log.appendChild(bubble);
    scrollToEnd();
  }

  function addBot(message, live) {
    var crisis = isCrisis(message);
    if (!message.text && crisis && ui.lastBot) {
      ui.lastBot.classList.add("cc-crisis"); // a marker sent apart from its text
      return;
    }
    if (!message.text && !(message.buttons && message.buttons.length) && !message.image) {
      return;
    }
    if (!crisis && welcome && message.text === welcome.greeting) {
      return; // the session's disclaimer: the greeting at the top already says it
    }
    var bubble = el("div", { className: "cc-msg cc-bot" + (crisis ? " cc-crisis" : "") });
    bubble.appendChild(
      el("span", {
        className: "cc-visually-hidden",
        text: crisis ? "Urgent help from the assistant: " : "Assistant: ",
      })
    );
    if (crisis) {
      bubble.appendChild(el("p", { className: "cc-crisis-title", text: "You are not alone" }));
    }
    answerText(bubble, message);
    if (crisis) {
      crisisActions(bubble, message.text);
    }
    if (message.source && message.source.label) {
      var source = el("p", { className: "cc-source" });
      source.appendChild(
        message.source.url
          ? link(message.source.label, message.source.url)
          : document.createTextNode(message.source.label)
      );
      bubble.appendChild(source);
    }
    if (message.image) {
      var src = safeHref(message.image);
      if (src && /^https?:/.test(src)) {
        bubble.appendChild(el("img", { src: src, alt: "", className: "cc-image" }));
      }
    }
    if (message.buttons && message.buttons.length) {
      bubble.appendChild(options(message.buttons, live));
    }
    if (live && message.feedback && message.feedback.ref) {
      bubble.appendChild(feedbackRow(String(message.feedback.ref)));
    }
    ui.log.appendChild(bubble);
    ui.lastBot = bubble;
    scrollToEnd();
  }

  // A long answer shows its first sentences (chosen by the server, verbatim) and "Show more".
  function answerText(bubble, message) {
    var box = el("div", { className: "cc-answer", id: "cc-answer-" + uid + "-" + ++counter });
    bubble.appendChild(box);
    if (!message.summary) {
      appendParagraphs(box, message.text);
      return;
    }
    appendParagraphs(box, message.summary);
    var more = el("button", {
      type: "button",
      className: "cc-more",
      "aria-expanded": "false",
      "aria-controls": box.id,
      text: "Show more",
    });
    more.addEventListener("click", function () {
      var open = more.getAttribute("aria-expanded") !== "true";
      box.textContent = "";
      appendParagraphs(box, open ? message.text : message.summary);
      more.setAttribute("aria-expanded", open ? "true" : "false");
      more.textContent = open ? "Show less" : "Show more";
    });
    bubble.appendChild(more);
  }

  function crisisActions(bubble, text) {
    var line = String(config.crisisLine || "988");
    var emergency = String(config.emergencyNumber || "911");
    bubble.appendChild(
      el("p", { className: "cc-crisis-actions" }, [
        link("Call " + line, "tel:" + line),
        link("Text " + line, "sms:" + line),
        link("Call " + emergency, "tel:" + emergency),
      ])
    );
    if (!/espa(\u00f1|n)ol/i.test(text || "")) {
      bubble.appendChild(
        el("p", {
          className: "cc-crisis-es",
          lang: "es",
          text: "En espa\u00f1ol: llame al " + line + " y oprima 2, o env\u00ede AYUDA por texto al " + line + ".",
        })
      );
    }
  }

  // ---- "Did this answer help?" ------------------------------------------------------------

  function feedbackRow(ref) {
    var question = el("span", {
      className: "cc-feedback-q",
      id: "cc-feedback-" + uid + "-" + ++counter,
      text: "Did this answer help?",
    });
    var row = el("div", {
      className: "cc-feedback",
      role: "group",
      "aria-labelledby": question.id,
      "data-ref": ref,
    }, [question]);
    [
      ["Yes", true],
      ["No", false],
    ].forEach(function (choice) {
      var b = el("button", { type: "button", className: "cc-vote", text: choice[0] });
      b.addEventListener("click", function () {
        Array.prototype.forEach.call(row.querySelectorAll("button"), function (other) {
          other.disabled = true;
        });
        b.setAttribute("aria-pressed", "true");
        if (socket && socket.connected) {
          socket.emit("answer_feedback", { ref: ref, helpful: choice[1] });
        } else {
          feedbackResult({ ref: ref, accepted: false });
        }
      });
      row.appendChild(b);
    });
    return row;
  }

  function feedbackResult(result) {
    result = result || {};
    var rows = ui.log.querySelectorAll(".cc-feedback");
    var row = Array.prototype.filter.call(rows, function (r) {
      return r.getAttribute("data-ref") === result.ref;
    })[0];
    if (row) {
      row.textContent = ""; // now a plain line of text, no longer a group of buttons
      row.removeAttribute("role");
      row.removeAttribute("aria-labelledby");
      row.appendChild(
        el("span", {
          className: "cc-feedback-q",
          text: result.accepted ? result.text : "Sorry, this answer can no longer be rated.",
        })
      );
    }
    if (result.accepted && result.reply) {
      addBot(result.reply, true);
    }
  }

  // Votes are tied to the socket that got the answer: after a reconnect they are gone.
  function dropUnansweredVotes() {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".cc-feedback"), function (row) {
      if (row.querySelector("button:not([disabled])")) {
        row.parentNode.removeChild(row);
      }
    });
  }

  // ---- the greeting, open/closed note and suggested topics --------------------------------

  function showWelcome() {
    var old = ui.log.querySelector(".cc-welcome");
    if (old) {
      old.parentNode.removeChild(old);
    }
    if (!welcome) {
      return;
    }
    var bubble = el("div", { className: "cc-msg cc-bot cc-welcome" }, [
      el("span", { className: "cc-visually-hidden", text: "Assistant: " }),
    ]);
    appendParagraphs(bubble, welcome.greeting);
    if (welcome.status) {
      bubble.appendChild(el("p", { className: "cc-hours", text: welcome.status }));
    }
    var topics = (welcome.topics || []).slice(0, 6);
    if (topics.length) {
      var label = el("p", {
        className: "cc-topics-label",
        id: "cc-topics-" + uid,
        text: "Ask me a question, or choose a topic:",
      });
      var group = el("div", {
        className: "cc-topics",
        role: "group",
        "aria-labelledby": label.id,
      });
      topics.forEach(function (topic) {
        var chip = el("button", { type: "button", className: "cc-chip", text: String(topic) });
        chip.addEventListener("click", function () {
          disableOptions();
          send(String(topic), String(topic));
          ui.input.focus();
        });
        group.appendChild(chip);
      });
      bubble.appendChild(label);
      bubble.appendChild(group);
    }
    ui.log.insertBefore(bubble, ui.log.firstChild);
    scrollToEnd();
  }

  function showTyping(on) {
    if (typingTimer) {
      window.clearTimeout(typingTimer);
      typingTimer = null;
    }
    if (ui.typing.parentNode) {
      ui.typing.parentNode.removeChild(ui.typing);
    }
    if (on) {
      ui.log.appendChild(ui.typing);
      scrollToEnd();
      typingTimer = window.setTimeout(function () {
        showTyping(false);
        setStatus("");
      }, 60000);
    }
  }

  function options(buttons, enabled) {
    var group = el("div", { className: "cc-options", role: "group", "aria-label": "Options" });
    buttons.forEach(function (button) {
      var b = el("button", { type: "button", className: "cc-option", text: String(button.title) });
      b.disabled = !enabled;
      b.addEventListener("click", function () {
        disableOptions();
        b.setAttribute("aria-pressed", "true");
        send(String(button.payload), String(button.title));
        ui.input.focus();
      });
      group.appendChild(b);
    });
    return group;
  }

  function disableOptions() {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".cc-option"), function (b) {
      b.disabled = true;
    });
  }

  function sendTyped() {
    var text = ui.input.value.trim();
    if (!text) {
      return;
    }
    if (text.length > config.maxMessageChars) {
      setStatus("Please keep your message under " + config.maxMessageChars + " characters.");
      return;
    }
    disableOptions();
    ui.input.value = "";
    send(text, text);
  }

  function send(message, shown) {
    if (!socket || !socket.connected || !ui.ready) {
      setStatus("Not connected yet. Please try again in a moment.");
      return;
    }
    addUser(shown);
    setStatus("The assistant is typing\u2026");
    showTyping(true);
    socket.emit("user_uttered", { message: message });
    restartIdleTimer();
  }

  // A chat left open on a shared computer: after the idle limit the conversation leaves the
  // screen and this tab (the server no longer resumes it either), and a new one starts.
  function restartIdleTimer() {
    if (idleTimer) {
      window.clearTimeout(idleTimer);
    }
    idleTimer = window.setTimeout(closeIdleChat, Math.max(1, config.idleMinutes) * 60 * 1000);
  }

  function closeIdleChat() {
    storeToken(null);
    showTyping(false);
    ui.log.textContent = "";
    ui.lastBot = null;
    setStatus(
      "This chat was cleared after " + config.idleMinutes + " minutes without activity, to " +
        "protect your privacy. Type a new message to start again."
    );
    if (socket && socket.connected) {
      ui.ready = false;
      socket.emit("session_request", { session_token: null });
    }
  }

  function conversationOf(token) {
    return typeof token === "string" ? token.split(".")[0] : null;
  }

  function showHistory(messages) {
    ui.log.textContent = "";
    ui.lastBot = null;
    showWelcome();
    messages.forEach(function (message, index) {
      if (message.sender === "user") {
        addUser(message.text);
      } else {
        addBot(message, index === messages.length - 1);
      }
    });
  }

  // ---- connection and session ----------------------------------------------------------

  function storedToken() {
    try {
      return window.sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  function storeToken(token) {
    try {
      if (token) {
        window.sessionStorage.setItem(TOKEN_KEY, token);
      } else {
        window.sessionStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) {
      /* storage disabled: the conversation simply does not survive a reload */
    }
  }

  function unavailableText() {
    var text = "The chat is not available right now.";
    if (config.phoneDisplay) {
      text += " Please call " + config.clinicName + " at " + config.phoneDisplay + ".";
    }
    return (
      text +
      " In a crisis, call or text " + config.crisisLine +
      "; in an emergency, call " + config.emergencyNumber + "."
    );
  }

  function connect() {
    ui.ready = false;
    socket = window.io(SERVER, {
      path: config.socketPath,
      transports: ["websocket"],
      reconnectionAttempts: 5,
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_token: storedToken() });
    });
    socket.on("session_confirm", function (token) {
      var resumed = conversationOf(token) === conversationOf(storedToken());
      storeToken(token);
      ui.ready = true;
      if (!resumed) {
        ui.log.textContent = "";
        ui.lastBot = null;
      } else {
        setStatus("");
        dropUnansweredVotes();
      }
      restartIdleTimer();
    });
    socket.on("welcome", function (data) {
      welcome = data && typeof data.greeting === "string" ? data : null;
      showWelcome();
    });
    socket.on("answer_feedback_result", feedbackResult);
    socket.on("session_refresh", function (token) {
      storeToken(token); // the same conversation, its activity time renewed by the server
    });
    socket.on("history", function (data) {
      showHistory((data && data.messages) || []);
    });
    socket.on("bot_uttered", function (message) {
      setStatus("");
      showTyping(false);
      addBot(message || {}, true);
      restartIdleTimer();
    });
    socket.on("session_required", function () {
      socket.emit("session_request", { session_token: storedToken() });
    });
    socket.on("connect_error", function () {
      ui.ready = false;
      showTyping(false);
      ui.root.classList.add("cc-unavailable");
      setStatus(unavailableText());
    });
    socket.on("disconnect", function () {
      ui.ready = false;
    });
  }

  function endChat() {
    storeToken(null);
    showTyping(false);
    ui.log.textContent = "";
    ui.lastBot = null;
    if (socket) {
      socket.disconnect();
    }
    connect();
    setStatus("Chat ended. This conversation is no longer shown on this device.");
    ui.input.focus();
  }

  function loadScript(src, done) {
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    s.onerror = function () {
      setStatus(unavailableText());
    };
    document.head.appendChild(s);
  }

  function loadStyles() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = BASE + "widget.css";
    document.head.appendChild(css);
  }

  function start() {
    loadStyles();
    fetch(BASE + "config.json", { mode: "cors", credentials: "omit" })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("config " + r.status);
        }
        return r.json();
      })
      .then(function (data) {
        Object.keys(config).forEach(function (key) {
          if (data[key] !== undefined) {
            config[key] = data[key];
          }
        });
        config.privacyUrl = safeHref(new URL(config.privacyUrl, BASE).href) || BASE + "privacy";
      })
      .catch(function () {
        /* keep the defaults; the socket decides whether chat is possible here */
      })
      .then(function () {
        build();
        if (startOpen) {
          setOpen(true);
        }
        if (window.io) {
          connect();
        } else {
          loadScript(BASE + "socket.io.min.js", connect);
        }
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
