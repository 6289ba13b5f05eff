"""A :class:`~csdocs.notify.messages.Message` as a Slack, Microsoft Teams or plain JSON payload.

* ``slack``: a Block Kit message for an incoming webhook, ``{"text":
  fallback, "blocks": [...]}`` (header, section and context blocks;
  https://docs.slack.dev/reference/block-kit/blocks). Text is ``mrkdwn``
  with ``&``, ``<`` and ``>`` escaped as Slack asks, so SOP text can never
  become a link or an ``<!channel>`` mention. Slack's limits are kept: at
  most 50 blocks, 150 characters in a header, 3,000 in a section.
* ``teams``: a message with one Adaptive Card attachment, the shape Teams
  incoming webhooks and Workflows accept (``{"type": "message",
  "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
  "content": {card}}]}``; card version 1.4,
  https://adaptivecards.io/explorer/). SOP text goes in ``TextRun`` inlines
  of ``RichTextBlock`` elements, which are never read as Markdown; links
  are the runs' ``Action.OpenUrl``.
* ``json``: the message itself (:meth:`Message.as_json`), for any other tool.

At most :data:`MAX_ITEMS` items are shown; the rest are counted in a last line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .messages import Item, Message, Section

FORMATS = ("slack", "teams", "json")
MAX_ITEMS = 40
SLACK_MAX_BLOCKS = 50
SLACK_HEADER_MAX = 150
SLACK_SECTION_MAX = 3000
ADAPTIVE_CARD_VERSION = "1.4"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def _shown(message: Message) -> tuple[list[Section], int]:
    """The sections cut to MAX_ITEMS items in all, and how many items were left out."""
    left = MAX_ITEMS
    shown: list[Section] = []
    hidden = 0
    for section in message.sections:
        items = section.items[:max(left, 0)]
        hidden += len(section.items) - len(items)
        left -= len(items)
        if items:
            shown.append(Section(section.heading, items))
    return shown, hidden


def _linkable(url: str | None) -> bool:
    """Only http(s) URLs with nothing that could close a Slack link or a Markdown one."""
    if not url:
        return False
    return urlsplit(url).scheme in ("http", "https") and not any(c in url for c in "<>|() \n\t\"")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------
# Slack


def slack_escape(text: str) -> str:
    """Slack's three control characters, escaped (``&`` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_item(item: Item) -> str:
    title = slack_escape(item.title)
    if _linkable(item.url):
        title = f"<{item.url}|{title}>"
    return f"• *{title}*: {slack_escape(item.detail)}"


def _slack_sections(section: Section) -> list[dict[str, Any]]:
    """One section block per heading; a long one is split so that no block passes 3,000 characters."""
    blocks: list[dict[str, Any]] = []
    text = f"*{slack_escape(section.heading)}*"
    for line in (_clip(_slack_item(item), SLACK_SECTION_MAX - 200) for item in section.items):
        if len(text) + 1 + len(line) > SLACK_SECTION_MAX:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
            text = line
        else:
            text += "\n" + line
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    return blocks


def to_slack(message: Message) -> dict[str, Any]:
    """The Block Kit payload for a Slack incoming webhook."""
    sections, hidden = _shown(message)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _clip(message.title, SLACK_HEADER_MAX)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": slack_escape(message.summary)}},
    ]
    tail: list[dict[str, Any]] = []
    if message.link and _linkable(message.link[1]):
        tail.append({"type": "section", "text": {"type": "mrkdwn",
                                                 "text": f"<{message.link[1]}|{slack_escape(message.link[0])}>"}})
    body: list[dict[str, Any]] = []
    for section in sections:
        body.append({"type": "divider"})
        body.extend(_slack_sections(section))
    room = SLACK_MAX_BLOCKS - len(blocks) - len(tail) - 1  # one left for the "more" line
    if len(body) > room:
        hidden += sum(1 for block in body[room:] for line in block.get("text", {}).get("text", "").splitlines()
                      if line.startswith("• "))
        body = body[:room]
    blocks += body
    if hidden:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"…and {hidden} more not shown"}]})
    blocks += tail
    return {"text": slack_escape(f"{message.title}: {message.summary}"), "blocks": blocks}


# --------------------------------------------------------------------------
# Microsoft Teams


def _run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def _teams_item(item: Item) -> dict[str, Any]:
    title = _run(item.title, weight="Bolder")
    if _linkable(item.url):
        title["selectAction"] = {"type": "Action.OpenUrl", "url": item.url, "title": _clip(item.title, 100)}
    return {"type": "RichTextBlock", "inlines": [title, _run(": " + item.detail)]}


def to_teams(message: Message) -> dict[str, Any]:
    """A Teams message carrying one Adaptive Card (for an incoming webhook or a Workflows webhook)."""
    sections, hidden = _shown(message)
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.title, "size": "Large", "weight": "Bolder", "wrap": True},
        {"type": "RichTextBlock", "inlines": [_run(message.summary)]},
    ]
    for section in sections:
        body.append({"type": "RichTextBlock", "separator": True, "spacing": "Medium",
                     "inlines": [_run(section.heading, weight="Bolder")]})
        body.extend(_teams_item(item) for item in section.items)
    if hidden:
        body.append({"type": "RichTextBlock", "inlines": [_run(f"…and {hidden} more not shown", isSubtle=True)]})
    card: dict[str, Any] = {"$schema": ADAPTIVE_CARD_SCHEMA, "type": "AdaptiveCard",
                            "version": ADAPTIVE_CARD_VERSION, "body": body}
    if message.link and _linkable(message.link[1]):
        card["actions"] = [{"type": "Action.OpenUrl", "title": message.link[0], "url": message.link[1]}]
    return {"type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD_TYPE, "contentUrl": None, "content": card}]}


def to_json(message: Message) -> dict[str, Any]:
    return message.as_json()


FORMATTERS: dict[str, Callable[[Message], dict[str, Any]]] = {"slack": to_slack, "teams": to_teams,
                                                              "json": to_json}
