"""Each SOP's agent script as helpdesk macros: Zendesk macros, Freshdesk canned responses,
Help Scout saved replies.

The content is the :class:`~csdocs.render.script.AgentScript` (one source for the
site, ``csdocs render script`` and these exports), cut into *parts*, one macro each:

===================  ======================================  ===========================
part                 content                                 external id
===================  ======================================  ===========================
greeting             the greeting                            ``<sop>.greeting``
questions            the questions, as a numbered list       ``<sop>.questions``
say at a step        that step's ``say`` line                ``<sop>.say.<step id>``
closing              the closing                             ``<sop>.closing``
handoff note         the handoff headings to fill in         ``<sop>.handoff.<escalation id>``
===================  ======================================  ===========================

A part with no text is left out. The external id is stable (ids, never step
numbers or titles), so an importer that keys on it updates a macro rather than
adding a second one. Each payload holds only the fields the vendor documents
for its create call (sources in docs/integrations.md); nothing is invented.

SOP text is untrusted. It is HTML-escaped, and its braces are written as
character references (``&#123;`` ``&#125;``) so that ``{{ticket.requester.email}}``
or ``{% ... %}`` typed into an SOP is shown, never run by the helpdesk's template
language. The one placeholder csdocs writes is the customer's name, where the SOP
text says ``[customer's name]`` or ``[customer name]`` (any case; ’ or '): see
:data:`CUSTOMER_NAME`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import CsdocsError
from ..model import Sop
from ..render.script import AgentScript, agent_script

CUSTOMER_NAME = re.compile(r"\[customer(?:['’]s)? name\]", re.IGNORECASE)
"""Where an SOP's script says "the customer's name": ``[customer's name]`` or ``[customer name]``."""


class ExportError(CsdocsError):
    """An SOP that cannot be exported as asked: the message names the file (and line) and what to change (exit 1)."""


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "p" (a paragraph), "ol" (a numbered list), "label" (a heading to write under)
    items: tuple[str, ...]  # one text for "p" and "label", the list items for "ol"


@dataclass(frozen=True, slots=True)
class Macro:
    """One part of one SOP's script, before it is shaped for a helpdesk."""

    external_id: str  # "refund-request.say.log"
    sop_id: str
    department: str
    sop_title: str
    label: str  # "Greeting", "Say: Log the return request", "Handoff note: to-specialist"
    blocks: tuple[Block, ...]
    internal: bool  # a note for colleagues (the handoff note), not a reply to the customer


def macros(sop: Sop, config: Config | None = None) -> list[Macro]:
    """The macros of ``sop``, in script order (greeting, questions, each ``say`` in the order written,
    closing, each escalation's handoff note in file order)."""
    script = agent_script(sop, config)
    return list(_parts(script))


def _parts(script: AgentScript) -> Iterable[Macro]:
    def make(part: str, label: str, blocks: tuple[Block, ...], internal: bool = False) -> Macro:
        return Macro(f"{script.sop_id}.{part}", script.sop_id, script.department, script.title, label, blocks,
                     internal)

    if script.greeting:
        yield make("greeting", "Greeting", (Block("p", (script.greeting,)),))
    if script.questions:
        yield make("questions", "Questions to ask", (Block("ol", script.questions),))
    for step in script.steps:
        if step.say:
            yield make(f"say.{step.id}", f"Say: {step.title or step.id}", (Block("p", (step.say,)),))
    if script.closing:
        yield make("closing", "Closing", (Block("p", (script.closing,)),))
    for escalation in script.escalations:
        yield make(f"handoff.{escalation.id}", f"Handoff note: {escalation.id}",
                   tuple(Block("label", (item.wording,)) for item in escalation.handoff), internal=True)


def to_html(blocks: Iterable[Block], placeholder: str) -> str:
    """Blocks as an HTML fragment: every SOP string escaped, its braces made inert, and each
    ``[customer's name]`` replaced by ``placeholder`` (the helpdesk's own, written as is)."""
    out = []
    for block in blocks:
        if block.kind == "ol":
            out.append("<ol>" + "".join(f"<li>{_text(item, placeholder)}</li>" for item in block.items) + "</ol>")
        elif block.kind == "label":
            out.append(f"<p><strong>{_text(block.items[0], placeholder)}:</strong></p>")
        else:
            out.append(f"<p>{_text(block.items[0], placeholder)}</p>")
    return "".join(out)


def _text(text: str, placeholder: str) -> str:
    pieces = CUSTOMER_NAME.split(text)
    return placeholder.join(_inert(html.escape(piece, quote=True)) for piece in pieces)


def _inert(escaped: str) -> str:
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


# --------------------------------------------------------------------------
# the helpdesks


def _zendesk_title(macro: Macro) -> str:
    # "::" nests macros in folders (Zendesk); one inside SOP text would add a level.
    parts = (macro.department, macro.sop_title, macro.label)
    return "::".join(part.replace("::", ": ") for part in parts if part)


def zendesk(macro: Macro, *, options: dict[str, Any]) -> dict[str, Any]:
    """``{"macro": {...}}``, the body of Zendesk's Create Macro (POST /api/v2/macros)."""
    actions: list[dict[str, Any]] = [{"field": "comment_value_html",
                                      "value": to_html(macro.blocks, TARGETS["zendesk"].placeholder)}]
    if macro.internal:
        actions.append({"field": "comment_mode_is_public", "value": "false"})
    return {"macro": {
        "title": _zendesk_title(macro),
        "description": f"From csdocs: SOP {macro.sop_id} ({macro.external_id}). Change the SOP, not this macro.",
        "active": True,
        "actions": actions,
    }}


def _title(macro: Macro) -> str:
    return f"{macro.sop_title}: {macro.label}"


def freshdesk(macro: Macro, *, options: dict[str, Any]) -> dict[str, Any]:
    """The body of Freshdesk's Create a Canned Response (POST /api/v2/canned_responses)."""
    return {"title": _title(macro), "content_html": to_html(macro.blocks, TARGETS["freshdesk"].placeholder),
            "folder_id": options["folder_id"], "visibility": 0}  # 0: visible to all agents


def helpscout(macro: Macro, *, options: dict[str, Any]) -> dict[str, Any]:
    """The body of Help Scout's Create Saved Reply (POST /v2/mailboxes/{id}/saved-replies)."""
    return {"name": _title(macro), "text": to_html(macro.blocks, TARGETS["helpscout"].placeholder)}


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    product: str
    placeholder: str  # the customer's first name, in the product's own syntax
    payload: Callable[..., dict[str, Any]]
    needs: tuple[str, ...] = ()  # options the product's create call cannot do without


TARGETS: dict[str, Target] = {
    "zendesk": Target("zendesk", "Zendesk", "{{ticket.requester.first_name}}", zendesk),
    "freshdesk": Target("freshdesk", "Freshdesk", "{{ticket.requester.firstname}}", freshdesk, ("folder_id",)),
    "helpscout": Target("helpscout", "Help Scout", "{%customer.firstName%}", helpscout),
}


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # the SOP format's id pattern: safe in a file name and a title


def _check_ids(sop: Sop) -> None:
    """Every id an external id is made of follows the id pattern (the loader reports bad ones as
    schema problems but still builds the model; a macro needs an id that will not change)."""
    named = [("SOP", sop.id, sop.span)]
    named += [("step", step.id, step.span) for step in sop.steps if step.say]
    named += [("escalation", escalation.id, escalation.span) for escalation in sop.escalations]
    for what, ident, span in named:
        if not _ID.match(ident):
            raise ExportError(f"{sop.path}:{span.line}:{span.column}: {what} id {ident!r} cannot name a macro: "
                              "give it an id of lower-case letters, digits and dashes")


def export(sops: Iterable[Sop], target: str, *, config: Config | None = None,
           options: dict[str, Any] | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Every SOP's macros as ``(external id, payload)`` for ``target`` (a key of :data:`TARGETS`),
    SOP by SOP in the order given. Raises :class:`ExportError` when two macros would share an
    external id (an SOP id used twice, or a step or escalation id repeated in one SOP)."""
    chosen = TARGETS[target]
    options = options or {}
    out: list[tuple[str, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    for sop in sops:
        _check_ids(sop)
        for macro in macros(sop, config):
            if macro.external_id in seen:
                raise ExportError(f"{sop.path}: two macros would be {macro.external_id!r} (also from "
                                  f"{seen[macro.external_id]}); give each SOP, step and escalation its own id")
            seen[macro.external_id] = sop.path
            out.append((macro.external_id, chosen.payload(macro, options=options)))
    return out
