"""The merged DOT graph of two versions: statuses of nodes and edges, renames, escaping, determinism."""

from __future__ import annotations

import re

from csdocs.review import diff_sops
from csdocs.review.flowdiff import file_name, to_diff_dot

from .test_cases import CASES, build_pair


def _case(name: str) -> dict:
    return next(case for case in CASES if case["name"] == name)


def _statuses(dot: str) -> dict[str, str]:
    """Node label's first line -> its status class."""
    return {label: status for label, status in re.findall(r'label="([^"\\]*)[^\]]*?class="(\w+)"', dot)
            if status not in ("legend", "standing")}  # clusters, not nodes


def test_a_rename_is_one_node_not_an_added_and_a_removed_one() -> None:
    old, new = build_pair(_case("step-renamed-consistently"))
    dot = to_diff_dot(old, new, diff_sops(old, new))
    statuses = _statuses(dot)
    assert statuses["Verify the payment"] == "changed"
    assert "added" not in statuses.values() and "removed" not in statuses.values()
    assert "style=dashed" not in dot.split("subgraph cluster_legend")[0]  # no removed edge either


def test_added_removed_and_changed_nodes_and_edges() -> None:
    old, new = build_pair(_case("branch-no-longer-escalates"))
    dot = to_diff_dot(old, new, diff_sops(old, new))
    statuses = _statuses(dot)
    assert statuses["Escalate: high-value"] == "removed"
    assert statuses["Check the amount"] == "changed"
    assert statuses["Log the request"] == "same"
    edges = [line for line in dot.splitlines() if "->" in line and "legend" not in line]
    assert sum('style=dashed' in line for line in edges) == 1  # Yes -> escalate, removed
    assert sum('color="#1a7f37"' in line for line in edges) == 1  # Yes -> verify, added


def test_dot_is_deterministic_and_escapes_sop_text() -> None:
    old, new = build_pair({"new": {"set": {"steps[refund].title": 'Refund "now" \\ <b>x</b>'}}})
    diff = diff_sops(old, new)
    dot = to_diff_dot(old, new, diff)
    assert dot == to_diff_dot(old, new, diff)
    assert 'Refund \\"now\\" \\\\ <b>x</b>' in dot  # a quoted DOT string: it cannot end early


def test_file_names_stay_in_the_folder() -> None:
    used: set[str] = set()
    assert file_name("../../etc/passwd", used) == "etc-passwd.svg"
    assert file_name("refund", used) == "refund.svg"
    assert file_name("REFUND", used) == "refund-2.svg"
    assert file_name("...", used) == "sop.svg"
    assert file_name("返金/../窓口", used) == "返金-窓口.svg"  # another script keeps its name
    assert file_name("Служба", used) == "служба.svg"


def test_an_added_sop_is_all_green() -> None:
    from csdocs.model import Sop

    _, new = build_pair({})
    empty = Sop(path="", id=new.id)
    statuses = _statuses(to_diff_dot(empty, new, diff_sops(None, new)))
    assert set(statuses.values()) == {"added"}
    statuses = _statuses(to_diff_dot(new, empty, diff_sops(new, None)))
    assert set(statuses.values()) == {"removed"}


def test_standing_triggers_are_drawn_with_their_status() -> None:
    old, new = build_pair(_case("escalation-removed"))
    dot = to_diff_dot(old, new, diff_sops(old, new))
    standing = dot.split("subgraph cluster_standing {")[1].split("}")[0]
    assert _statuses(standing) == {"Escalate: repeat-contact": "removed"}
    old, new = build_pair(_case("escalation-tier-changed"))
    assert _statuses(to_diff_dot(old, new, diff_sops(old, new)))["Escalate: repeat-contact"] == "same"
