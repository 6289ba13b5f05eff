"""POST a JSON payload to a chat webhook, with a timeout and retries.

:func:`post_json` sends one request per try. A 2xx answer is success. A
429 waits for its ``Retry-After`` (seconds, capped at ``max_wait``) and
tries again; a 5xx answer, a refused connection or a timeout waits
``backoff * 2**n`` seconds (n = 0, 1, 2, ...) and tries again; any other
answer (a 4xx: a wrong URL, a payload the service refuses) fails at once.
Errors are :class:`WebhookError`, whose message names the status and the
start of the answer, and never the URL's path or query: webhook URLs are
secrets.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..errors import CsdocsError

USER_AGENT = "csdocs-notify"


class WebhookError(CsdocsError):
    """The webhook refused the message, or did not answer in time after every try (exit 1)."""


@dataclass(frozen=True, slots=True)
class Sent:
    """The answer that ended the tries: its status, and how many tries it took."""

    status: int
    tries: int


def redact(url: str) -> str:
    """``https://hooks.slack.com/services/T0/B0/secret`` -> ``https://hooks.slack.com/...``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}/..."


def check_url(url: str) -> str | None:
    """None for an http(s) URL with a host, else what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "the webhook URL must start with https:// (or http://)"
    if not parts.hostname:
        return "the webhook URL has no host"
    return None


def _retry_after(value: str | None, fallback: float, max_wait: float) -> float:
    try:
        seconds = float(value) if value is not None else fallback
    except ValueError:  # an HTTP date: not worth parsing for a chat message
        seconds = fallback
    return min(max(seconds, 0.0), max_wait)


def post_json(url: str, payload: Any, *, timeout: float = 10.0, retries: int = 3, backoff: float = 1.0,
              max_wait: float = 60.0, sleep: Callable[[float], None] | None = None) -> Sent:
    """POST ``payload`` as JSON to ``url``; up to ``1 + retries`` tries.

    ``timeout`` and the waits are in seconds; ``sleep`` waits (default
    :func:`time.sleep`; tests pass a recorder). Raises :class:`WebhookError`.
    """
    problem = check_url(url)
    if problem:
        raise WebhookError(problem)
    wait = sleep or time.sleep
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    where = redact(url)
    last = ""
    for attempt in range(retries + 1):
        request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310 - http(s) checked above
            "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT})
        delay = backoff * 2 ** attempt
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked
                return Sent(response.status, attempt + 1)
        except urllib.error.HTTPError as error:
            body = error.read(300).decode("utf-8", "replace").strip()
            last = f"{error.code} {error.reason}" + (f": {body}" if body else "")
            if error.code == 429:
                delay = _retry_after(error.headers.get("Retry-After"), delay, max_wait)
            elif error.code < 500:
                raise WebhookError(f"{where} answered {last}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            last = f"no answer ({reason})"
        if attempt < retries:
            wait(min(delay, max_wait))
    tries = retries + 1
    raise WebhookError(f"{where} answered {last}, after {tries} tr{'y' if tries == 1 else 'ies'}")
