"""``csdocs notify``: the messages, their Slack and Teams payloads, and posting them to a local server."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from csdocs.loader import load_text
from csdocs.notify.formats import MAX_ITEMS, slack_escape, to_slack, to_teams
from csdocs.notify.messages import changes_message, reviews_message
from csdocs.notify.webhook import WebhookError, post_json
from csdocs.review.changes import Risk
from csdocs.review.engine import review_pairs

from ..conftest import TODAY, run_csdocs

SCHEMAS = Path(__file__).parent / "schemas"
SLACK = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "slack-block-kit.schema.json").read_text("utf-8")))
TEAMS = jsonschema.Draft202012Validator(json.loads((SCHEMAS / "adaptive-card-teams.schema.json").read_text("utf-8")))
SECRET = "/services/T000/B000/not-a-real-secret"


def _sop(sop_id: str, *, title: str | None = None, owner: str = "Billing lead", last: dt.date | None = None,
         every: str = "90d", status: str = "active", extra: str = ""):
    text = (f"id: {sop_id}\ntitle: {json.dumps(title or sop_id)}\ndepartment: Billing\nowner: {json.dumps(owner)}\n"
            f"purpose: Help.\nstatus: {status}\nreview_every: {every}\n"
            + (f"last_reviewed: {last.isoformat()}\n" if last else "") + extra
            + "steps:\n  - id: log\n    title: Log it\n    outcome: resolved\n")
    loaded = load_text(text, f"sops/{sop_id}.yaml")
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


# ------------------------------------------------------------------ messages


def test_reviews_are_grouped_by_owner_with_days_worked_out_from_the_dates() -> None:
    sops = [
        _sop("late", owner="Billing lead", last=_days(-100)),  # due at -10: 10 days overdue
        _sop("soon", owner="Billing lead", last=_days(-85)),  # due in 5 days
        _sop("today", owner="Care lead", last=_days(-90)),  # due today
        _sop("later", owner="Care lead", last=_days(-10)),  # due in 80 days: not listed
        _sop("never", owner="Care lead"),
        _sop("gone", owner="Care lead", last=_days(-400), status="retired"),
    ]
    message = reviews_message(sops, today=TODAY, page_urls={"late": "billing/late/"},
                              site_url="https://sops.example.com/help")
    got = [(s.heading, [(i.title, i.detail, i.url) for i in s.items]) for s in message.sections]
    assert got == [
        ("Overdue: Billing lead", [("late", f"due {_days(-10)}, 10 days overdue",
                                    "https://sops.example.com/help/billing/late/")]),
        ("Due within 30 days: Billing lead", [("soon", f"due {_days(5)}, in 5 days", None)]),
        ("Due within 30 days: Care lead", [("today", f"due today ({TODAY})", None)]),
        ("Never reviewed: Care lead", [("never", "never reviewed", None)]),
    ]
    assert message.summary == f"1 overdue, 2 due within 30 days, 1 never reviewed, as of {TODAY}."
    assert message.link == ("Review dashboard", "https://sops.example.com/help/reviews/")
    assert not message.empty


def test_nothing_due_is_an_empty_message() -> None:
    message = reviews_message([_sop("fresh", last=TODAY)], today=TODAY)
    assert message.empty and message.sections == ()
    assert message.summary == f"No SOP is overdue or due within 30 days ({TODAY})."


def _threshold(amount: int, *, version: str = "1") -> str:
    return (f"version: '{version}'\nescalations:\n  - id: big\n    trigger: refund above {amount} EUR\n"
            "    to: L2\n    owner: Billing specialists\n    sla: 4h\n")


def test_only_changes_at_or_above_the_risk_are_reported() -> None:
    old = _sop("refund", title="Refund request", extra=_threshold(100))
    new = _sop("refund", title="Refund request", extra=_threshold(250), owner="Someone else")
    review = review_pairs([(old, new)]).review
    high = [c for c in review.changes if c.risk.value == "high"]
    assert high, review.changes  # a raised escalation threshold is high risk
    message = changes_message(review, titles={"refund": "Refund request"}, link="https://github.com/o/r/pull/7")
    (section,) = message.sections
    assert section.heading == "Refund request (refund)"
    assert [item.title for item in section.items] == [f"high: {c.kind}" for c in high]
    assert message.summary == f"{len(high)} high-risk change{'s' * (len(high) != 1)} in 1 SOP."
    everything = changes_message(review, titles={}, min_risk=Risk.LOW)
    assert sum(len(s.items) for s in everything.sections) == len(review.changes)
    assert changes_message(review_pairs([(old, old)]).review, titles={}).empty


# ------------------------------------------------------------------ payloads


HOSTILE = "<!channel> & <https://evil.example|click> *bold* [x](javascript:alert(1))"


def test_slack_payload_is_block_kit_and_escapes_sop_text() -> None:
    message = reviews_message([_sop("x", title=HOSTILE, owner="<@U123>", last=_days(-100))], today=TODAY,
                              page_urls={"x": "billing/x/"}, site_url="https://sops.example.com")
    payload = to_slack(message)
    SLACK.validate(payload)
    text = json.dumps(payload)
    assert "<!channel>" not in text and "<@U123>" not in text and "<https://evil" not in text
    assert slack_escape(HOSTILE) in text and "&lt;@U123&gt;" in text
    assert "<https://sops.example.com/billing/x/|" + slack_escape(HOSTILE) + ">" in text  # our own link only


def test_teams_payload_is_an_adaptive_card_and_sop_text_is_never_markdown() -> None:
    message = reviews_message([_sop("x", title=HOSTILE, last=_days(-100))], today=TODAY,
                              page_urls={"x": "billing/x/"}, site_url="https://sops.example.com")
    payload = to_teams(message)
    TEAMS.validate(payload)
    card = payload["attachments"][0]["content"]
    text_blocks = [block["text"] for block in card["body"] if block["type"] == "TextBlock"]
    assert text_blocks == ["SOP reviews"]  # TextBlock reads Markdown: only our own words go there
    runs = [run for block in card["body"] if block["type"] == "RichTextBlock" for run in block["inlines"]]
    linked = [run for run in runs if "selectAction" in run]
    assert [(run["text"], run["selectAction"]["url"]) for run in linked] == [
        (HOSTILE, "https://sops.example.com/billing/x/")]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Review dashboard",
                                "url": "https://sops.example.com/reviews/"}]


def test_big_messages_keep_within_the_services_limits() -> None:
    sops = [_sop(f"s{n:03}", title="T" * 400, owner=f"Owner {n % 7}", last=_days(-100 - n)) for n in range(120)]
    message = reviews_message(sops, today=TODAY)
    slack = to_slack(message)
    SLACK.validate(slack)  # at most 50 blocks, no section over 3,000 characters
    shown = sum(block["text"]["text"].count("\n• ") + block["text"]["text"].startswith("• ")
                for block in slack["blocks"] if block["type"] == "section")
    more = slack["blocks"][-1]["elements"][0]["text"]
    assert more == f"…and {120 - shown} more not shown" and shown <= MAX_ITEMS
    teams = to_teams(message)
    TEAMS.validate(teams)
    items = [b for b in teams["attachments"][0]["content"]["body"] if b["type"] == "RichTextBlock"
             and len(b["inlines"]) == 2]
    assert len(items) == MAX_ITEMS
    assert teams["attachments"][0]["content"]["body"][-1]["inlines"][0]["text"] == \
        f"…and {120 - MAX_ITEMS} more not shown"


# ------------------------------------------------------------------ a local webhook


class Hook:
    """A local HTTP server that answers each POST with the next scripted reply and records what it got."""

    def __init__(self, replies: list[tuple[int, dict[str, str], str]]) -> None:
        self.replies = list(replies)
        self.received: list[dict] = []
        self.release = threading.Event()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append({"path": self.path, "type": self.headers["Content-Type"],
                                      "body": json.loads(body)})
                status, headers, text = hook.replies.pop(0) if hook.replies else (200, {}, "ok")
                if status == 0:  # no answer until the test ends
                    hook.release.wait(10)
                    return
                data = text.encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{SECRET}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[callable]:
    made: list[Hook] = []

    def make(*replies: tuple[int, dict[str, str], str]) -> Hook:
        made.append(Hook(list(replies)))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_a_200_is_sent_once(hook) -> None:
    server = hook((200, {}, "ok"))
    waits: list[float] = []
    sent = post_json(server.url, {"text": "hé"}, sleep=waits.append)
    assert (sent.status, sent.tries, waits) == (200, 1, [])
    assert server.received == [{"path": SECRET, "type": "application/json; charset=utf-8", "body": {"text": "hé"}}]


def test_a_429_waits_for_retry_after(hook) -> None:
    server = hook((429, {"Retry-After": "7"}, "rate_limited"), (200, {}, "ok"))
    waits: list[float] = []
    sent = post_json(server.url, {"n": 1}, backoff=0.01, sleep=waits.append)
    assert (sent.status, sent.tries, waits) == (200, 2, [7.0])
    assert len(server.received) == 2


def test_a_429_wait_is_capped(hook) -> None:
    server = hook((429, {"Retry-After": "3600"}, ""), (200, {}, "ok"))
    waits: list[float] = []
    post_json(server.url, {}, max_wait=30, sleep=waits.append)
    assert waits == [30]


def test_a_500_then_success_backs_off(hook) -> None:
    server = hook((500, {}, "oops"), (503, {}, "busy"), (200, {}, "ok"))
    waits: list[float] = []
    sent = post_json(server.url, {}, backoff=0.25, sleep=waits.append)
    assert (sent.tries, waits) == (3, [0.25, 0.5])


def test_a_500_every_time_is_an_error_after_the_last_try(hook) -> None:
    server = hook(*[(500, {}, "internal")] * 3)
    waits: list[float] = []
    with pytest.raises(WebhookError) as error:
        post_json(server.url, {}, retries=2, backoff=1, sleep=waits.append)
    assert str(error.value) == f"http://127.0.0.1:{server.server.server_address[1]}/... answered " \
                               "500 Internal Server Error: internal, after 3 tries"
    assert waits == [1, 2] and len(server.received) == 3


def test_a_400_fails_at_once_and_names_no_secret(hook) -> None:
    server = hook((400, {}, "invalid_blocks"))
    waits: list[float] = []
    with pytest.raises(WebhookError, match=r"answered 400 Bad Request: invalid_blocks$") as error:
        post_json(server.url, {}, sleep=waits.append)
    assert SECRET not in str(error.value) and "not-a-real-secret" not in str(error.value)
    assert waits == [] and len(server.received) == 1


def test_no_answer_within_the_timeout_is_retried_then_an_error(hook) -> None:
    server = hook((0, {}, ""), (0, {}, ""))
    waits: list[float] = []
    with pytest.raises(WebhookError, match=r"answered no answer \(.*\), after 2 tries"):
        post_json(server.url, {}, timeout=0.2, retries=1, backoff=0.5, sleep=waits.append)
    assert waits == [0.5]


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(WebhookError, match="must start with https://"):
        post_json("file:///etc/passwd", {})


# ------------------------------------------------------------------ the command


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    assert run_csdocs("init", str(project), cwd=tmp_path).returncode == 0
    sop = project / "sops/customer-care/first-contact.yaml"
    text = sop.read_text("utf-8").replace(f"last_reviewed: {TODAY.isoformat()}", f"last_reviewed: {_days(-100)}")
    sop.write_text(text, "utf-8")
    return project


def test_notify_reviews_posts_the_slack_payload(tmp_path: Path, hook) -> None:
    project = _project(tmp_path)
    server = hook((200, {}, "ok"))
    result = run_csdocs("notify", "reviews", "--site-url", "https://sops.example.com", cwd=project,
                        env={"CSDOCS_WEBHOOK_URL": server.url})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "sent to http://127.0.0.1" in result.stderr and SECRET not in result.stderr
    (got,) = server.received
    SLACK.validate(got["body"])
    assert "<https://sops.example.com/customer-care/first-contact/|First contact handling>" in \
        json.dumps(got["body"], ensure_ascii=False)


def test_notify_prints_teams_json_without_a_webhook(tmp_path: Path) -> None:
    result = run_csdocs("notify", "reviews", "--format", "teams", cwd=_project(tmp_path))
    assert result.returncode == 0, result.stderr
    TEAMS.validate(json.loads(result.stdout))


def test_notify_reports_a_refusal_without_a_traceback(tmp_path: Path, hook) -> None:
    server = hook((404, {}, "no_service"))
    result = run_csdocs("notify", "reviews", "--webhook", server.url, cwd=_project(tmp_path))
    assert result.returncode == 1
    assert "answered 404 Not Found: no_service" in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stderr


def test_notify_sends_nothing_when_nothing_is_due(tmp_path: Path, hook) -> None:
    project = tmp_path / "fresh"
    assert run_csdocs("init", str(project), cwd=tmp_path).returncode == 0
    server = hook()
    result = run_csdocs("notify", "reviews", "--webhook", server.url, cwd=project)
    assert result.returncode == 0 and "nothing to send" in result.stderr
    assert server.received == []


def test_notify_refuses_a_bad_webhook_url(tmp_path: Path) -> None:
    result = run_csdocs("notify", "reviews", "--webhook", "ftp://example.com/x", cwd=_project(tmp_path))
    assert result.returncode == 2 and "must start with https://" in result.stderr and "Traceback" not in result.stderr


def test_notify_diff_reports_a_pull_requests_high_risk_changes(tmp_path: Path) -> None:
    from ..review.test_revisions import git, sop, write

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "mkdocs.yml", "site_name: T\ndocs_dir: sops\nplugins:\n  - csdocs:\n      sops_dir: sops\n")
    write(repo, "sops/billing/refund.yaml", sop("refund"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    write(repo, "sops/billing/refund.yaml", sop("refund", trigger_amount=250))  # fewer contacts escalate
    result = run_csdocs("notify", "diff", "--base", "HEAD", "--format", "json",
                        "--link", "https://github.com/acme/sops/pull/7", cwd=repo)
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["link"] == {"label": "Open the pull request", "url": "https://github.com/acme/sops/pull/7"}
    (section,) = message["sections"]
    assert section["heading"] == "Refund request (refund)"
    assert "high: threshold-changed" in [item["title"] for item in section["items"]]
    bad = run_csdocs("notify", "diff", "--base", "no-such-rev", cwd=repo)
    assert bad.returncode == 2 and "no-such-rev" in bad.stderr and "Traceback" not in bad.stderr
