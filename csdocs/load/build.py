"""Light YAML nodes -> the frozen model (after the schema check: wrong-typed values become defaults)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..model import (
    DEFAULT_REVIEW_EVERY,
    MOVE_FIELDS,
    Branch,
    Definition,
    Duration,
    Escalation,
    Move,
    Script,
    SlaValue,
    Sop,
    Span,
    Step,
    Tier,
)
from .compose import YMap, YNode, YScalar, YSeq
from .schema import is_iso_date


def text_of(node: YNode | None) -> str | None:
    if node is None or node.__class__ is not YScalar or not isinstance(node.value, str):
        return None
    return node.value


def _scalar_text(node: YNode | None) -> str | None:
    """Text, number or date as text (version, metric targets)."""
    if node is None or node.__class__ is not YScalar or node.value is None:
        return None
    written: str | None = getattr(node, "written", None)
    if written is not None:  # `1.10`, `5:30`, `010`: the text, not what YAML 1.1 makes of it
        return written
    value = node.value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and "." not in str(value):
        return str(int(value))
    return str(value)


def _duration(node: YNode | None) -> Duration | None:
    """A duration, parsed here once for every reader; written as a number it keeps its text (``4``), invalid."""
    text = _scalar_text(node)
    return None if text is None else Duration.parse(text)


def _texts(node: YNode | None) -> tuple[str, ...]:
    if node is None or node.__class__ is not YSeq:
        return ()
    return tuple(v.value for v in node.value if v.__class__ is YScalar and isinstance(v.value, str))


def _fields(node: YNode | None) -> dict[Any, YNode]:
    if node is None or node.__class__ is not YMap:
        return {}
    return {key.value: value for key, value in node.value}


def _spans(node: YNode) -> Mapping[str, Span]:
    spans: dict[str, Span] = {}
    if node.__class__ is not YMap:
        return MappingProxyType(spans)
    for key, value in node.value:
        name = str(key.value)
        spans[name] = value.span
        spans[name + ":key"] = key.span
        if value.__class__ is YSeq:
            for index, item in enumerate(value.value):
                spans[f"{name}[{index}]"] = item.span
        elif value.__class__ is YMap and name in ("definitions", "sla", "metrics", "tiers"):
            for sub_key, sub_value in value.value:
                spans[f"{name}.{sub_key.value}"] = sub_value.span
                spans[f"{name}.{sub_key.value}:key"] = sub_key.span
                if name == "sla" and sub_value.__class__ is YMap:  # SLA by priority: sla.resolution.high
                    for priority, duration in sub_value.value:
                        spans[f"sla.{sub_key.value}.{priority.value}"] = duration.span
                        spans[f"sla.{sub_key.value}.{priority.value}:key"] = priority.span
    return MappingProxyType(spans)


def _move(fields: dict[Any, YNode]) -> Move:
    return Move(*(text_of(fields.get(name)) for name in MOVE_FIELDS))


def _build_step(node: YNode, index: int) -> Step:
    fields = _fields(node)
    step_id = text_of(fields.get("id"))
    path = f"steps[{index}]"
    branches = []
    branch_list = fields.get("branches")
    if branch_list is not None and branch_list.__class__ is YSeq:
        for b_index, b_node in enumerate(branch_list.value):
            b_fields = _fields(b_node)
            answer = text_of(b_fields.get("answer"))
            if answer is None:
                answer = _scalar_text(b_fields.get("answer")) or ""
            branches.append(Branch(answer=answer, move=_move(b_fields), path=f"{path}.branches[{b_index}]",
                                   span=b_node.span, spans=_spans(b_node)))
    automated = fields.get("automated")
    return Step(
        index=index,
        id=step_id if step_id else f"<step {index + 1}>",
        has_id=bool(step_id),
        title=text_of(fields.get("title")) or "",
        path=path,
        stage=text_of(fields.get("stage")),
        actor=text_of(fields.get("actor")),
        action=text_of(fields.get("action")),
        say=text_of(fields.get("say")),
        automated=automated is not None and automated.value is True,
        decision=text_of(fields.get("decision")),
        branches=tuple(branches),
        move=_move(fields),
        every=_duration(fields.get("every")),
        until=text_of(fields.get("until")),
        span=node.span,
        spans=_spans(node),
    )


def _build_escalation(node: YNode, index: int) -> Escalation:
    fields = _fields(node)
    handoff = fields.get("handoff")
    return Escalation(
        id=text_of(fields.get("id")) or f"<escalation {index + 1}>",
        path=f"escalations[{index}]",
        trigger=text_of(fields.get("trigger")),
        from_tier=text_of(fields.get("from")) or None,
        to_tier=text_of(fields.get("to")),
        owner=text_of(fields.get("owner")),
        sla=_duration(fields.get("sla")),
        response=_duration(fields.get("response")),
        handoff=_texts(handoff) if handoff is not None and handoff.__class__ is YSeq else None,
        index=index,
        span=node.span,
        spans=_spans(node),
    )


def _build_tiers(node: YNode | None) -> tuple[Tier, ...]:
    tiers = []
    for key, value in (node.value if node is not None and node.__class__ is YMap else ()):
        if value.__class__ is YMap:
            fields = _fields(value)
            tiers.append(Tier(id=str(key.value), name=text_of(fields.get("name")) or str(key.value),
                              authority=text_of(fields.get("authority")), span=key.span, spans=_spans(value)))
    return tuple(tiers)


def _string_map(node: YNode | None) -> Mapping[str, str]:
    if node is None or node.__class__ is not YMap:
        return MappingProxyType({})
    out = {}
    for key, value in node.value:
        text = _scalar_text(value)
        if text is not None:
            out[str(key.value)] = text
    return MappingProxyType(out)


def _sla(node: YNode | None) -> Mapping[str, SlaValue]:
    """``sla``: each of its fields one duration, or (format 1.1) a map priority -> duration."""
    out: dict[str, SlaValue] = {}
    for key, value in (node.value if node is not None and node.__class__ is YMap else ()):
        if value.__class__ is YMap:
            out[str(key.value)] = MappingProxyType({str(priority.value): duration
                                                    for priority, duration in
                                                    ((p, _duration(d)) for p, d in value.value)
                                                    if duration is not None})
        else:
            duration = _duration(value)
            if duration is not None:
                out[str(key.value)] = duration
    return MappingProxyType(out)


def build_sop(root: YMap, path: str, source: str = "") -> Sop:
    fields = _fields(root)
    definitions = tuple(
        Definition(term=str(key.value), meaning=_scalar_text(value) or "", span=key.span)
        for key, value in (fields["definitions"].value if fields.get("definitions").__class__ is YMap else ())
    )
    script_node = fields.get("script")
    script_fields = _fields(script_node)
    script = Script(
        greeting=text_of(script_fields.get("greeting")),
        questions=_texts(script_fields.get("questions")),
        closing=text_of(script_fields.get("closing")),
        span=script_node.span if script_node is not None else root.span,
        spans=_spans(script_node) if script_node is not None else MappingProxyType({}),
    )
    steps_node = fields.get("steps")
    steps = tuple(
        _build_step(node, index)
        for index, node in enumerate(steps_node.value if steps_node.__class__ is YSeq else ())
        if node.__class__ is YMap
    )
    escalations_node = fields.get("escalations")
    escalations = tuple(
        _build_escalation(node, index)
        for index, node in enumerate(escalations_node.value if escalations_node.__class__ is YSeq else ())
        if node.__class__ is YMap
    )
    last_reviewed = fields.get("last_reviewed")
    reviewed = None
    if last_reviewed is not None and last_reviewed.__class__ is YScalar:
        value = last_reviewed.value
        if isinstance(value, _dt.datetime):
            reviewed = value.date()
        elif isinstance(value, _dt.date):
            reviewed = value
        elif isinstance(value, str) and is_iso_date(value):
            reviewed = _dt.date.fromisoformat(value)
    status = text_of(fields.get("status"))
    review_every = _duration(fields.get("review_every"))
    return Sop(
        path=path,
        id=text_of(fields.get("id")) or Path(path).stem,
        title=text_of(fields.get("title")) or "",
        department=text_of(fields.get("department")) or "",
        owner=text_of(fields.get("owner")),
        purpose=(text_of(fields.get("purpose")) or "").strip(),
        status=status if status in ("draft", "active", "retired") else "active",
        version=_scalar_text(fields.get("version")),
        last_reviewed=reviewed,
        review_every=review_every if review_every is not None and review_every.text else DEFAULT_REVIEW_EVERY,
        channels=_texts(fields.get("channels")),
        contact_types=_texts(fields.get("contact_types")),
        priority=text_of(fields.get("priority")),
        tags=_texts(fields.get("tags")),
        keywords=_texts(fields.get("keywords")),
        definitions=definitions,
        sla=_sla(fields.get("sla")),
        tiers=_build_tiers(fields.get("tiers")),
        script=script,
        steps=steps,
        escalations=escalations,
        metrics=_string_map(fields.get("metrics")),
        related=_texts(fields.get("related")),
        span=root.span,
        spans=_spans(root),
        source=source,
    )
