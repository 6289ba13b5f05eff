/* csdocs: guided resolution on SOP pages, the home page's search box, printing the agent script.
 *
 * Plain JavaScript, no network. SOP text arrives as JSON in a
 * <script type="application/json"> block and is only ever put in the page
 * with textContent or form values, never as HTML.
 * Works with mkdocs-material's instant navigation on (document$) or off.
 */
(function () {
  "use strict";

  var HANDOFF_FIELDS = { contact_reason: true };  // items the agent types; others come from the walk

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "class") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(label, className, onClick) {
    var node = el("button", { type: "button", "class": "md-button " + (className || "") }, label);
    node.addEventListener("click", onClick);
    return node;
  }

  function copyText(text, textarea, status) {
    function done(ok) {
      status.textContent = ok ? "Copied to the clipboard." : "Copy failed: select the note and copy it.";
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { fallback(); });
    } else {
      fallback();
    }
    function fallback() {
      textarea.focus();
      textarea.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      done(ok);
    }
  }

  /* ------------------------------------------------------------ the walker */

  function Walker(root, flow) {
    this.root = root;
    this.flow = flow;
    this.byId = {};
    this.escalations = {};
    var self = this;
    flow.steps.forEach(function (step, index) { if (!(step.id in self.byId)) self.byId[step.id] = index; });
    flow.escalations.forEach(function (e) { if (!(e.id in self.escalations)) self.escalations[e.id] = e; });
    this.history = [];   // [{state, choice, raised}]: what was on screen, the answer given there, and the
                         // escalation that answer raised on the way (escalate and continue, format 1.1)
    this.state = null;   // {kind: "step", index} | {kind: "escalate", id} | {kind: "end", outcome} | {kind: "goto", move}
    this.fields = {};    // handoff items the agent typed, kept across back/forward
    this.live = el("p", { "class": "csdocs-walker__live", "aria-live": "polite" });
    this.panel = el("div", { "class": "csdocs-walker__panel" });
    root.appendChild(this.live);
    root.appendChild(this.panel);
  }

  Walker.prototype.start = function () {
    this.history = [];
    this.show(this.flow.steps.length ? { kind: "step", index: 0 } : { kind: "end", outcome: "resolved" });
  };

  Walker.prototype.choose = function (move, label) {
    var raised = move.raises && move.raises in this.escalations ? move.raises : null;
    this.history.push({ state: this.state, choice: label, raised: raised });
    this.show(this.target(move));
  };

  // the escalations raised on the way so far: [{escalation, at}] where history[at] raised it
  Walker.prototype.raised = function () {
    var self = this;
    var out = [];
    this.history.forEach(function (h, at) { if (h.raised) out.push({ escalation: self.escalations[h.raised], at: at }); });
    return out;
  };

  Walker.prototype.target = function (move) {
    if (move.kind === "next" && move.target in this.byId) return { kind: "step", index: this.byId[move.target] };
    if (move.kind === "escalate" && move.target in this.escalations) return { kind: "escalate", id: move.target };
    if (move.kind === "goto") return { kind: "goto", move: move };
    if (move.kind === "outcome") return { kind: "end", outcome: move.target };
    return { kind: "broken", move: move };
  };

  Walker.prototype.back = function () {
    var last = this.history.pop();
    if (last) this.show(last.state);
  };

  Walker.prototype.show = function (state) {
    this.state = state;
    this.panel.textContent = "";
    var heading = el("h3", { "class": "csdocs-walker__heading", tabindex: "-1" });
    var card = el("div", { "class": "csdocs-walker__card" });
    card.appendChild(heading);
    this.panel.appendChild(card);
    var actions = el("div", { "class": "csdocs-walker__answers", role: "group" });
    if (state.kind === "step") this.renderStep(card, heading, actions, this.flow.steps[state.index]);
    else if (state.kind === "escalate") this.renderEscalation(card, heading, this.escalations[state.id]);
    else if (state.kind === "goto") this.renderGoto(card, heading, state.move);
    else if (state.kind === "end") this.renderEnd(card, heading, state.outcome);
    else {
      heading.textContent = "This path is broken";
      card.appendChild(el("p", {}, "The SOP points to ‘" + state.move.target + "’, which does not exist. Tell the SOP's owner."));
    }
    if (actions.childNodes.length) card.appendChild(actions);
    if (state.kind === "step") this.renderStanding(card);
    this.renderRaised();
    this.renderControls();
    this.renderPath();
    this.highlight(state);
    var last = this.history[this.history.length - 1];
    var justRaised = last && last.raised ? this.escalations[last.raised] : null;
    this.live.textContent = (justRaised ? "Escalation raised: " + this.escalationTitle(justRaised) + ". " : "") + heading.textContent;
    heading.focus();
  };

  Walker.prototype.renderStep = function (card, heading, actions, step) {
    var self = this;
    heading.textContent = "Step " + step.n + ": " + step.title;
    actions.setAttribute("aria-label", step.decision ? "Answers" : "Next");
    if (step.actor) card.appendChild(el("p", { "class": "csdocs-walker__actor" }, "Who: " + step.actor + (step.automated ? " (done by the helpdesk)" : "")));
    if (step.action) card.appendChild(el("p", { "class": "csdocs-walker__action" }, step.action));
    if (step.say) {
      var say = el("p", { "class": "csdocs-walker__say" });
      say.appendChild(el("strong", {}, "Say: "));
      say.appendChild(document.createTextNode("“" + step.say + "”"));
      card.appendChild(say);
    }
    if (step.repeat) card.appendChild(el("p", { "class": "csdocs-walker__repeat" }, "↻ " + step.repeat));
    if (step.decision) card.appendChild(el("p", { "class": "csdocs-walker__question" }, step.decision));
    step.moves.forEach(function (move) {
      var label = move.answer !== undefined ? move.answer : self.moveLabel(move);
      actions.appendChild(button(label, move.answer !== undefined ? "csdocs-walker__answer" : "md-button--primary csdocs-walker__next",
        function () { self.choose(move, move.answer !== undefined ? move.answer : null); }));
    });
  };

  Walker.prototype.moveLabel = function (move) {
    if (move.kind === "next" && move.target in this.byId) return move.raises ? "Done: escalate, then next step" : "Done: next step";
    if (move.kind === "escalate") return "Done: escalate";
    if (move.kind === "goto") return "Done: continue in " + (move.title || move.target);
    if (move.kind === "outcome") return "Done: finish (" + move.target + ")";
    return "Done";
  };

  Walker.prototype.renderStanding = function (card) {
    var self = this;
    var standing = this.flow.escalations.filter(function (e) { return e.standing; });
    if (!standing.length) return;
    var box = el("div", { "class": "csdocs-walker__standing", role: "group", "aria-label": "Escalate at any step" });
    box.appendChild(el("p", {}, "At any step, escalate if:"));
    standing.forEach(function (e) {
      box.appendChild(button(e.trigger || e.id, "csdocs-walker__standing-button", function () {
        self.choose({ kind: "escalate", target: e.id }, null);
      }));
    });
    card.appendChild(box);
  };

  Walker.prototype.renderControls = function () {
    var self = this;
    var controls = el("div", { "class": "csdocs-walker__controls", role: "group", "aria-label": "Walk controls" });
    var back = button("Back", "csdocs-walker__back", function () { self.back(); });
    if (!this.history.length) back.disabled = true;
    controls.appendChild(back);
    controls.appendChild(button("Restart", "csdocs-walker__restart", function () { self.fields = {}; self.start(); }));
    this.panel.appendChild(controls);
  };

  Walker.prototype.walked = function (upto) {
    // the steps done so far (or before history[upto]), with the answer given at each decision
    var self = this;
    return this.history.slice(0, upto === undefined ? this.history.length : upto).filter(function (h) { return h.state && h.state.kind === "step"; }).map(function (h) {
      var step = self.flow.steps[h.state.index];
      return { step: step, answer: h.choice };
    });
  };

  Walker.prototype.renderPath = function () {
    var walked = this.walked();
    if (!walked.length) return;
    var box = el("div", { "class": "csdocs-walker__path" });
    box.appendChild(el("p", {}, "Path so far:"));
    var list = el("ul", {});  // numbered by the procedure's own numbers (the site wrote them), not by this walk
    walked.forEach(function (item) {
      list.appendChild(el("li", {}, "Step " + item.step.n + ": " + item.step.title +
        (item.answer !== null ? ": " + item.answer : "")));
    });
    box.appendChild(list);
    this.panel.appendChild(box);
  };

  Walker.prototype.tried = function (upto) {
    return this.walked(upto).map(function (item) {
      var line = item.step.n + ". " + item.step.title;  // the procedure's number, not the walk's count
      if (item.step.decision) line += " (" + item.step.decision + " " + (item.answer !== null ? item.answer : "") + ")";
      return line;
    }).join("\n");
  };

  Walker.prototype.told = function (upto) {
    var lines = this.walked(upto).filter(function (item) { return item.step.say; }).map(function (item) { return item.step.say; });
    return lines.join("\n");
  };

  Walker.prototype.escalationTitle = function (escalation) {
    return "Escalate: " + (escalation.to || "next tier");
  };

  Walker.prototype.renderFacts = function (card, escalation) {
    var facts = el("dl", { "class": "csdocs-walker__facts" });
    [["Why", escalation.trigger], ["From → to", (escalation.from ? escalation.from + " → " : "") + (escalation.to || "")],
     ["Owner", escalation.owner], ["Response", escalation.response], ["Resolution SLA", escalation.sla]].forEach(function (pair) {
      if (!pair[1]) return;
      facts.appendChild(el("dt", {}, pair[0]));
      facts.appendChild(el("dd", {}, pair[1]));
    });
    card.appendChild(facts);
  };

  Walker.prototype.renderEscalation = function (card, heading, escalation) {
    heading.textContent = this.escalationTitle(escalation);
    this.renderFacts(card, escalation);
    this.renderNote(card, escalation);
  };

  // Escalate and continue: each escalation raised on the way stays on screen, raised, with the handoff
  // note written from the path up to the answer that raised it, until the walk goes back past it.
  Walker.prototype.renderRaised = function () {
    var self = this;
    var raised = this.raised();
    if (!raised.length) return;
    var box = el("section", { "class": "csdocs-walker__raised", "aria-label": "Escalations raised on the way" });
    box.appendChild(el("p", { "class": "csdocs-walker__raised-intro" },
      raised.length === 1 ? "Escalation raised on the way (its owner and SLA have started):"
                          : "Escalations raised on the way (their owners and SLAs have started):"));
    raised.forEach(function (item, number) {
      var entry = el("div", { "class": "csdocs-walker__raised-item" });
      entry.appendChild(el("h4", {}, "Raised: " + self.escalationTitle(item.escalation)));
      self.renderFacts(entry, item.escalation);
      self.renderNote(entry, item.escalation, { upto: item.at + 1, key: "raised-" + number });
      box.appendChild(entry);
    });
    this.panel.appendChild(box);
  };

  Walker.prototype.renderGoto = function (card, heading, move) {
    heading.textContent = "Continue in " + (move.title || move.target);
    if (move.href) {
      var link = el("a", { href: move.href, "class": "md-button md-button--primary" }, "Open " + (move.title || move.target));
      card.appendChild(el("p", {})).appendChild(link);
    } else {
      card.appendChild(el("p", {}, "The SOP ‘" + move.target + "’ is not published here."));
    }
    this.renderNote(card, null);
  };

  Walker.prototype.renderEnd = function (card, heading, outcome) {
    heading.textContent = "The procedure ends: " + outcome;
    if (this.flow.closing) {
      var close = el("p", { "class": "csdocs-walker__say" });
      close.appendChild(el("strong", {}, "Close: "));
      close.appendChild(document.createTextNode("“" + this.flow.closing + "”"));
      card.appendChild(close);
    }
    this.renderNote(card, null);
  };

  // upto: the note of an escalation raised on the way, written from history[0 .. upto)
  Walker.prototype.noteText = function (escalation, upto) {
    var flow = this.flow;
    var names = flow.handoff_names || {};
    var items = escalation ? escalation.handoff : ["contact_reason", "attempted_resolution", "customer_told"];
    var values = {
      contact_reason: this.fields.contact_reason || "",
      attempted_resolution: this.tried(upto),
      escalation_reason: escalation ? (escalation.trigger || escalation.id) : "",
      customer_told: this.told(upto)
    };
    var lines = [(escalation ? "Handoff note: " : "Contact note: ") + flow.title];
    if (escalation) {
      lines.push("Escalated " + (escalation.from ? escalation.from + " → " : "to ") + (escalation.to || "") +
        (escalation.owner ? "; owner: " + escalation.owner : "") +
        (escalation.response ? "; " + escalation.response : "") + (escalation.sla ? "; SLA: " + escalation.sla : ""));
    }
    // escalations raised earlier on the way (not the one this note is for)
    var earlier = this.raised().filter(function (item) { return upto === undefined || item.at < upto - 1; });
    if (earlier.length) {
      lines.push("Raised on the way: " + earlier.map(function (item) {
        return (item.escalation.to || "next tier") + " (" + (item.escalation.trigger || item.escalation.id) + ")";
      }).join("; "));
    }
    var self = this;
    items.forEach(function (item) {
      var value = item in values ? values[item] : (self.fields[item] || "");
      lines.push("");
      lines.push((names[item] || item.replace(/_/g, " ")) + ":");
      lines.push(value || "-");
    });
    return lines.join("\n");
  };

  // options: {upto, key} for the note of an escalation raised on the way (key keeps ids unique)
  Walker.prototype.renderNote = function (card, escalation, options) {
    var self = this;
    var flow = this.flow;
    var names = flow.handoff_names || {};
    var upto = options ? options.upto : undefined;
    var uid = "csdocs-note-" + flow.sop.replace(/[^a-z0-9-]/gi, "_") + (options ? "-" + options.key : "");
    var form = el("div", { "class": "csdocs-handoff" + (options ? " csdocs-handoff--raised" : "") });
    form.appendChild(el("h4", {}, escalation ? "Handoff note" : "Contact note"));
    var items = escalation ? escalation.handoff : ["contact_reason"];
    var note = el("textarea", { id: uid + "-text", "class": "csdocs-handoff__note", rows: "12", spellcheck: "false" });
    items.forEach(function (item) {
      var typed = HANDOFF_FIELDS[item] || ["attempted_resolution", "escalation_reason", "customer_told"].indexOf(item) < 0;
      if (!typed) return;
      var id = uid + "-" + item.replace(/[^a-z0-9_-]/gi, "_");
      form.appendChild(el("label", { "for": id }, names[item] || item.replace(/_/g, " ")));
      var field = el("textarea", { id: id, "class": "csdocs-handoff__field", rows: "2", "data-item": item });
      field.value = self.fields[item] || "";
      field.addEventListener("input", function () {
        self.fields[item] = field.value;
        note.value = self.noteText(escalation, upto);
        self.syncNotes(field);
      });
      form.appendChild(field);
    });
    form.appendChild(el("label", { "for": uid + "-text" }, "Note (check it, then copy it into the ticket)"));
    note.value = this.noteText(escalation, upto);
    note.csdocsNote = { escalation: escalation, upto: upto };
    form.appendChild(note);
    var status = el("p", { "class": "csdocs-handoff__status", role: "status", "aria-live": "polite" });
    form.appendChild(button("Copy the note", "md-button--primary csdocs-handoff__copy", function () {
      copyText(note.value, note, status);
    }));
    form.appendChild(status);
    card.appendChild(form);
  };

  // a typed item (the contact reason) shows in every note on screen: keep the other notes and fields in step
  Walker.prototype.syncNotes = function (source) {
    var self = this;
    Array.prototype.forEach.call(this.panel.querySelectorAll(".csdocs-handoff__field"), function (field) {
      if (field !== source && field.getAttribute("data-item") === source.getAttribute("data-item")) field.value = source.value;
    });
    Array.prototype.forEach.call(this.panel.querySelectorAll(".csdocs-handoff__note"), function (note) {
      if (note.csdocsNote) note.value = self.noteText(note.csdocsNote.escalation, note.csdocsNote.upto);
    });
  };

  Walker.prototype.highlight = function (state) {
    var svg = document.querySelector("figure.csdocs-flowchart svg");
    if (!svg) return;
    Array.prototype.forEach.call(svg.querySelectorAll(".csdocs-current"), function (node) {
      node.classList.remove("csdocs-current");
    });
    var id = null;
    if (state.kind === "step") id = "flow-" + this.flow.steps[state.index].anchor;
    else if (state.kind === "escalate") id = "flow-" + this.escalations[state.id].anchor;
    var node = id ? document.getElementById(id) : null;
    if (node && svg.contains(node)) node.classList.add("csdocs-current");
  };

  function setupWalker(root) {
    if (root.getAttribute("data-csdocs-ready")) return;
    root.setAttribute("data-csdocs-ready", "1");
    // instant navigation re-creates the script without its class and type: find it by place
    var source = root.querySelector("script");
    var startButton = root.querySelector(".csdocs-walker__start");
    if (!source || !startButton) return;
    var flow;
    try {
      var parsed = JSON.parse(source.textContent);
      flow = Array.isArray(parsed) ? parsed[0] : parsed;
    } catch (error) { return; }
    var walker = new Walker(root, flow);
    startButton.addEventListener("click", function () {
      startButton.parentNode.hidden = true;
      walker.start();
    });
  }

  /* --------------------------------------------------- home search, print */

  function setupHomeSearch(form) {
    if (form.getAttribute("data-csdocs-ready")) return;
    form.setAttribute("data-csdocs-ready", "1");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = form.querySelector("input").value;
      var toggle = document.getElementById("__search");
      var input = document.querySelector(".md-search__input");
      if (!toggle || !input) return;
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = query;
      input.focus();
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true, key: "Enter" }));
    });
  }

  function setupPrint(buttonNode) {
    if (buttonNode.getAttribute("data-csdocs-ready")) return;
    buttonNode.setAttribute("data-csdocs-ready", "1");
    buttonNode.addEventListener("click", function () {
      var html = document.documentElement;
      html.classList.add("csdocs-print-script-only");
      window.addEventListener("afterprint", function once() {
        html.classList.remove("csdocs-print-script-only");
        window.removeEventListener("afterprint", once);
      });
      window.print();
    });
  }

  // A flowchart fits the page width at first, so the whole procedure is in
  // view; a button shows it at full size (readable labels, scrolls sideways).
  function setupFlowchart(figure) {
    if (figure.getAttribute("data-csdocs-ready") || !figure.querySelector("svg")) return;
    figure.setAttribute("data-csdocs-ready", "1");
    var toggle = button("Show at full size", "csdocs-flowchart__size", function () {
      var full = figure.classList.toggle("csdocs-full");
      toggle.textContent = full ? "Fit to the page" : "Show at full size";
      toggle.setAttribute("aria-pressed", full ? "true" : "false");
    });
    toggle.setAttribute("aria-pressed", "false");
    figure.insertBefore(toggle, figure.firstChild);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.csdocs-flowchart"), setupFlowchart);
    Array.prototype.forEach.call(document.querySelectorAll("[data-csdocs-walker]"), setupWalker);
    Array.prototype.forEach.call(document.querySelectorAll("[data-csdocs-home-search]"), setupHomeSearch);
    Array.prototype.forEach.call(document.querySelectorAll(".csdocs-print-script"), setupPrint);
  }

  if (typeof window.document$ !== "undefined" && window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // mkdocs-material: runs on every page, instant navigation or not
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
