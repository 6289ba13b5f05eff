"""The agent script of an SOP: what an agent reads and says, in the order the contact runs.

:func:`agent_script` builds a structured, frozen :class:`AgentScript` (the
site reuses it or :func:`to_html`); :func:`to_markdown`, :func:`to_text` and
:func:`to_html` print it. The shape follows the scenario framework: when to
use it, greet, ask, resolve (the procedure step by step, with what to say,
each decision as a question with where each answer leads, each escalation
with its trigger, tier, owner, SLA and the handoff note to fill in), close.

Steps are listed and numbered as the author ordered them in the file
(:attr:`csdocs.model.Step.number`), the numbers the site's procedure, the
guided resolution, the API and lint use too; a step no path reaches is
marked so.

The text form is plain enough to paste into a helpdesk macro: no markup,
no tabs, lines of at most :data:`TEXT_WIDTH` characters.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import jinja2

from .. import graph
from ..config import Config
from ..model import DEFAULT_HANDOFF, Escalation, SlaValue, Sop, Step, sla_entries
from ..tiers import Tiers
from ..tiers import resolve as resolve_tiers
from .flowchart import response_words
from .text import humanize, tidy

TEXT_WIDTH = 72

HANDOFF_WORDING = {
    "contact_reason": "What the customer contacted us about",
    "attempted_resolution": "What was tried, and what happened",
    "escalation_reason": "Why it is escalated",
    "customer_told": "What the customer was told about next steps (and when they will hear back)",
}

OUTCOME_WORDING = {
    "resolved": "the contact is resolved",
    "unresolved": "the contact ends unresolved",
    "escalated": "the contact ends escalated",
    "transferred": "the contact is transferred",
    "closed": "the contact is closed",
}


@dataclass(frozen=True, slots=True)
class Lead:
    """Where a step or an answer leads, in words and as a reference."""

    kind: str  # "step" | "escalate" | "goto" | "outcome" | "unknown"
    target: str  # step id, escalation id, "sop#step", outcome word or the unknown reference
    text: str  # "go to step 4 (Issue the refund)"
    step_number: int | None = None
    raises: str | None = None  # escalate and continue: the escalation raised before going on


@dataclass(frozen=True, slots=True)
class Choice:
    answer: str
    lead: Lead


@dataclass(frozen=True, slots=True)
class HandoffItem:
    key: str
    wording: str


@dataclass(frozen=True, slots=True)
class ScriptEscalation:
    id: str
    trigger: str
    from_tier: str | None  # "L1 (Front-line agent)"; None: no `from` and the project has no tiers
    to_tier: str
    owner: str
    sla: str
    response: str | None  # "within 15m" or "immediately": how soon the owner acknowledges it
    handoff: tuple[HandoffItem, ...]
    standing: bool  # named by no step: valid at any step


@dataclass(frozen=True, slots=True)
class ScriptStep:
    number: int
    id: str
    title: str
    stage: str | None
    actor: str | None
    action: str | None
    say: str | None
    automated: bool
    question: str | None  # the decision, for a decision step
    choices: tuple[Choice, ...]  # a decision's answers
    then: Lead | None  # where a plain step goes
    repeat: str | None  # a recurring duty: "every 30m until the incident is resolved"
    escalation: str | None  # the escalation id this step (or one of its answers) starts
    reachable: bool


@dataclass(frozen=True, slots=True)
class AgentScript:
    sop_id: str
    title: str
    department: str
    owner: str
    purpose: str
    status: str
    contact_types: tuple[str, ...]
    channels: tuple[str, ...]
    priority: str | None
    sla: tuple[tuple[str, str], ...]  # (what, duration): first response, resolution
    greeting: str | None
    questions: tuple[str, ...]
    steps: tuple[ScriptStep, ...]
    escalations: tuple[ScriptEscalation, ...]  # every escalation, in file order
    closing: str | None


# --------------------------------------------------------------------------
# building


def _tier_text(tier_id: str | None, tiers: Tiers) -> str:
    return tiers.label(tier_id) or "(not set)"


def _handoff(escalation: Escalation, required: tuple[str, ...]) -> tuple[HandoffItem, ...]:
    listed = escalation.handoff if escalation.handoff is not None else required
    keys = list(dict.fromkeys([*listed, *required]))  # a required item is never left out of the note
    return tuple(HandoffItem(key, HANDOFF_WORDING.get(key, humanize(key))) for key in keys)


def agent_script(sop: Sop, config: Config | None = None) -> AgentScript:
    """The agent script of ``sop`` (pure)."""
    required = config.handoff if config is not None else DEFAULT_HANDOFF
    tiers = resolve_tiers(sop, config)
    by_id: dict[str, Step] = {}
    for step in sop.steps:
        by_id.setdefault(step.id, step)
    escalation_ids = {escalation.id for escalation in sop.escalations}
    reachable = graph.reachable(sop)

    def lead(edge: graph.Edge) -> Lead:
        if edge.raises is not None:
            raised = lead(edge._replace(kind="escalate", target=edge.raises, raises=None))
            onward = lead(edge._replace(raises=None))
            return onward.__class__(onward.kind, onward.target, f"{raised.text}, then {onward.text}",
                                    onward.step_number, edge.raises)
        if edge.kind == "next":
            target = by_id.get(edge.target)
            if target is None:
                return Lead("unknown", edge.target, f"unknown step '{tidy(edge.target)}'")
            return Lead("step", edge.target, f"go to step {target.number} ({tidy(target.title) or target.id})",
                        target.number)
        if edge.kind == "escalate":
            if edge.target not in escalation_ids:
                return Lead("unknown", edge.target, f"unknown escalation '{tidy(edge.target)}'")
            return Lead("escalate", edge.target, f"escalate: {tidy(edge.target)} (see Escalations)")
        if edge.kind == "goto":
            sop_id, step_id = graph.split_goto(edge.target)
            where = f"SOP {tidy(sop_id)}" + (f", step {tidy(step_id)}" if step_id else "")
            return Lead("goto", edge.target, f"continue with {where}")
        return Lead("outcome", edge.target,
                    f"end: {OUTCOME_WORDING.get(edge.target, tidy(edge.target))}")

    steps = []
    for step in sop.steps:
        step_edges = graph.step_edges(sop, step)
        choices = tuple(Choice(tidy(e.answer), lead(e)) for e in step_edges if e.answer is not None) \
            if step.branches else ()
        then = lead(step_edges[0]) if not step.branches and step_edges else None
        escalates = next((e.raises or e.target for e in step_edges if e.kind == "escalate" or e.raises), None)
        steps.append(ScriptStep(
            number=step.number, id=step.id, title=tidy(step.title), stage=step.stage,
            actor=step.actor, action=tidy(step.action) or None, say=tidy(step.say) or None,
            automated=step.automated, question=tidy(step.decision) or None if step.is_decision else None,
            choices=choices, then=then,
            repeat=f"every {tidy(step.every.text)} until {tidy(step.until) or '?'}" if step.every is not None else None,
            escalation=escalates, reachable=step.id in reachable))

    named = graph.raised(sop)
    escalations = tuple(
        ScriptEscalation(
            id=escalation.id, trigger=tidy(escalation.trigger) or "(no trigger written)",
            from_tier=tiers.label(tiers.start(escalation)) or None,
            to_tier=_tier_text(escalation.to_tier, tiers),
            owner=tidy(escalation.owner) or "(no owner written)", sla=tidy(escalation.sla.text if escalation.sla else None) or "(no SLA written)",
            response=response_words(escalation.response) if escalation.response is not None else None,
            handoff=_handoff(escalation, required), standing=escalation.id not in named)
        for escalation in sop.escalations)
    sla_names = {"first_response": "First response", "resolution": "Resolution"}
    return AgentScript(
        sop_id=sop.id, title=tidy(sop.title) or sop.id, department=tidy(sop.department),
        owner=tidy(sop.owner), purpose=tidy(sop.purpose), status=sop.status,
        contact_types=tuple(tidy(t) for t in sop.contact_types), channels=tuple(tidy(c) for c in sop.channels),
        priority=tidy(sop.priority) or None,
        sla=tuple((sla_names.get(key, humanize(key)), _sla_words(value)) for key, value in sop.sla.items()),
        greeting=tidy(sop.script.greeting) or None, questions=tuple(tidy(q) for q in sop.script.questions),
        steps=tuple(steps), escalations=escalations, closing=tidy(sop.script.closing) or None,
    )


def _sla_words(value: SlaValue) -> str:
    """``"4h"`` -> "within 4h"; ``"0m"`` -> "immediately"; by priority: "immediately (emergency), within 1d (high)"."""
    parts = []
    for priority, duration in sla_entries(value):
        when = response_words(duration)
        parts.append(when if priority is None else f"{when} ({tidy(priority)})")
    return ", ".join(parts)


# --------------------------------------------------------------------------
# printing


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: autoescape on, undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("csdocs.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def to_html(script: AgentScript, *, heading_level: int = 1) -> str:
    """An HTML fragment (no <html> wrapper): every SOP string escaped by autoescape."""
    return environment().get_template("script.html.j2").render(script=script, h=max(1, min(heading_level, 4)))


_MD_INLINE = str.maketrans({char: "\\" + char for char in "\\`*_[]|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"})
_MD_LINE_START = re.compile(r"^(\s*)([#+=-])")
_MD_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def md(text: str) -> str:
    """Markdown-safe text: inline markup escaped, HTML made inert (MkDocs passes raw HTML through),
    and a leading ``#``, ``-``, ``+``, ``=`` or ``1.`` kept from starting a heading or a list."""
    text = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text.translate(_MD_INLINE))
    return _MD_NUMBERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def to_markdown(script: AgentScript) -> str:
    out = [f"# Agent script: {md(script.title)}", ""]
    if script.purpose:
        out += [md(script.purpose), ""]
    out += ["## When to use it", ""]
    out += _when(script, md, bullet="- ")
    out.append("")
    if script.greeting:
        out += ["## Greeting", "", f"> {md(script.greeting)}", ""]
    if script.questions:
        out += ["## Questions to ask", ""]
        out += [f"{n}. {md(q)}" for n, q in enumerate(script.questions, start=1)]
        out.append("")
    out += ["## Procedure", ""]
    for step in script.steps:
        out += _md_step(step)
    if script.escalations:
        out += ["## Escalations", ""]
        for escalation in script.escalations:
            out += _md_escalation(escalation)
    if script.closing:
        out += ["## Closing", "", f"> {md(script.closing)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _when(script: AgentScript, escape, *, bullet: str) -> list[str]:
    lines = []
    lines.append(f"{bullet}Contact types: {escape(', '.join(script.contact_types)) or 'any'}")
    lines.append(f"{bullet}Channels: {escape(', '.join(script.channels)) or 'any'}")
    if script.priority:
        lines.append(f"{bullet}Priority: {escape(script.priority)}")
    for name, value in script.sla:
        lines.append(f"{bullet}{escape(name)}: {escape(value)}")
    return lines


def _md_step(step: ScriptStep) -> list[str]:
    tags = [t for t in (step.stage, step.actor and f"by {step.actor}", "automated" if step.automated else None,
                        None if step.reachable else "no path reaches this step") if t]
    suffix = f" *({md(', '.join(tags))})*" if tags else ""
    out = [f"### {step.number}. {md(step.title or step.id)}{suffix}", ""]
    if step.action:
        out += [md(step.action), ""]
    if step.say:
        out += [f"> **Say:** {md(step.say)}", ""]
    if step.question is not None:
        out += [f"**Ask:** {md(step.question)}", ""]
        out += [f"- **{md(choice.answer)}**: {md(choice.lead.text)}" for choice in step.choices]
        out.append("")
    if step.repeat is not None:
        out += [f"**Repeat:** {md(step.repeat)}", ""]
    if step.question is None and step.then is not None:
        out += [f"**Then:** {md(step.then.text)}", ""]
    return out


def _md_escalation(escalation: ScriptEscalation) -> list[str]:
    heading = f"### {md(escalation.id)}" + (" *(standing trigger: valid at any step)*" if escalation.standing
                                           else "")
    out = [heading, "",
           f"- **When:** {md(escalation.trigger)}",
           (f"- **From** {md(escalation.from_tier)} **to** {md(escalation.to_tier)}" if escalation.from_tier
            else f"- **To** {md(escalation.to_tier)}"),
           f"- **Owner:** {md(escalation.owner)}",
           *([f"- **Response:** acknowledged {md(escalation.response)}"] if escalation.response else []),
           f"- **SLA:** resolved within {md(escalation.sla)} of the escalation",
           "", "Handoff note to fill in:", ""]
    out += [f"- [ ] {md(item.wording)}:" for item in escalation.handoff]
    out.append("")
    return out


def _wrapped(text: str, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(text, width=TEXT_WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_long_words=True) or [(first or indent).rstrip()]


def to_text(script: AgentScript) -> str:
    """Plain text for a helpdesk macro: no markup, wrapped at TEXT_WIDTH."""
    out = _wrapped(f"AGENT SCRIPT: {script.title}")
    if script.purpose:
        out += _wrapped(script.purpose)
    out += ["", "WHEN TO USE IT"]
    for line in _when(script, lambda text: text, bullet=""):
        out += _wrapped(line, "    ", "  - ")
    if script.greeting:
        out += ["", "GREETING", *_wrapped(f'"{script.greeting}"', "    ", "  Say: ")]
    if script.questions:
        out += ["", "QUESTIONS TO ASK"]
        for number, question in enumerate(script.questions, start=1):
            out += _wrapped(question, "     ", f"  {number}. ")
    out += ["", "PROCEDURE"]
    for step in script.steps:
        tags = [t for t in (step.stage, step.actor and f"by {step.actor}", "automated" if step.automated else None,
                            None if step.reachable else "no path reaches this step") if t]
        out.append("")
        out += _wrapped(f"{step.number}. {step.title or step.id}" + (f" ({', '.join(tags)})" if tags else ""))
        if step.action:
            out += _wrapped(step.action, "   ", "   ")
        if step.say:
            out += _wrapped(f'"{step.say}"', "        ", "   Say: ")
        if step.question is not None:
            out += _wrapped(step.question, "        ", "   Ask: ")
            for choice in step.choices:
                out += _wrapped(f"{choice.answer}: {choice.lead.text}", "       ", "   - ")
        if step.repeat is not None:
            out += _wrapped(step.repeat, "           ", "   Repeat: ")
        if step.question is None and step.then is not None:
            out += _wrapped(step.then.text, "         ", "   Then: ")
    if script.escalations:
        out += ["", "ESCALATIONS"]
        for escalation in script.escalations:
            out.append("")
            out += _wrapped(escalation.id + (" (standing trigger: valid at any step)" if escalation.standing
                                             else ""), "  ", "  ")
            out += _wrapped(escalation.trigger, "          ", "    When: ")
            out += _wrapped(f"from {escalation.from_tier} to {escalation.to_tier}" if escalation.from_tier
                            else f"to {escalation.to_tier}", "          ", "    Tier: ")
            out += _wrapped(escalation.owner, "           ", "    Owner: ")
            if escalation.response:
                out += _wrapped(f"acknowledged {escalation.response}", "              ", "    Response: ")
            out += _wrapped(f"resolved within {escalation.sla} of the escalation", "         ", "    SLA: ")
            out.append("    Handoff note:")
            for item in escalation.handoff:
                out += _wrapped(f"{item.wording}:", "        ", "    [ ] ")
    if script.closing:
        out += ["", "CLOSING", *_wrapped(f'"{script.closing}"', "    ", "  Say: ")]
    return "\n".join(line.rstrip() for line in out) + "\n"


def render_script(sop: Sop, fmt: str, config: Config | None = None) -> str:
    """``sop``'s agent script as ``md``, ``txt`` or ``html``."""
    script = agent_script(sop, config)
    printers = {"md": to_markdown, "txt": to_text, "html": to_html}
    return printers[fmt](script)

