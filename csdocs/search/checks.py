"""Search checks: the queries a project promises agents, checked on every lint and build.

``sops/search-checks.yaml`` lists them::

    - {query: charged twice, expect: card-dispute}
    - query: parcel never came
      expect: delivery-change

Each check passes when the SOP whose id is ``expect`` ranks in the top
:data:`TOP` for ``query``, ranked by :mod:`csdocs.search.rank` over the index
:mod:`csdocs.search.index` builds from the project's SOPs: the very ranking
agents get in the site. A check that fails is a ``search-check`` finding at
its line (csdocs/lint/rules/search_check.py documents the rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..load.build import text_of
from ..load.compose import YMap, YSeq, compose
from ..load.decode import read_text
from ..load.problems import Problem, Refused, clip
from ..model import Sop, Span
from .index import build_index
from .rank import IndexFiles, search

RULE = "search-check"
TOP = 3  # a promised SOP must rank at least this high
SHOWN = 3  # how many of the SOPs that rank above it a message names


@dataclass(frozen=True, slots=True)
class SearchCheck:
    query: str
    expect: str  # an SOP id
    span: Span


def load_checks(path: Path) -> tuple[tuple[SearchCheck, ...], tuple[Problem, ...]]:
    """Read a checks file; every problem comes back located, nothing raises."""
    try:
        root, problems = compose(read_text(path))
    except Refused as refused:
        return (), (refused.problem,)
    except OSError as error:
        return (), (Problem("yaml-syntax", Span(1, 1), f"cannot read the search checks: {error.strerror}"),)
    if root is None:
        return (), tuple(problems)
    if root.__class__ is not YSeq:
        return (), (*problems, Problem(RULE, root.span, "search checks are a list: `- {query: charged twice, "
                                       "expect: card-dispute}`"))
    checks: list[SearchCheck] = []
    for item in root.value:
        fields = {str(key.value): value for key, value in item.value} if item.__class__ is YMap else None
        query = text_of(fields["query"]) if fields and "query" in fields else None
        expect = text_of(fields["expect"]) if fields and "expect" in fields else None
        if not query or not query.strip() or not expect or not expect.strip():
            problems.append(Problem(RULE, item.span, "a search check needs a `query` (what an agent types) and "
                                    "`expect` (the id of the SOP it must find)"))
            continue
        checks.append(SearchCheck(query, expect.strip(), item.span))
    return tuple(checks), tuple(problems)


def run_checks(checks: Sequence[SearchCheck], sops: Sequence[Sop]) -> list[Problem]:
    """A finding for every check whose SOP does not rank in the top :data:`TOP` (or does not exist)."""
    if not checks:
        return []
    files = IndexFiles.from_mapping(build_index(sops).files())
    ids = [sop.id for sop in sops]
    problems = []
    for check in checks:
        if check.expect not in ids:
            problems.append(Problem(RULE, check.span, f"no SOP has the id '{clip(check.expect, 60)}' "
                                    f"(query '{clip(check.query, 60)}')"))
            continue
        ranked = [ids[hit.doc] for hit in search(check.query, files)]
        if check.expect in ranked[:TOP]:
            continue
        above = ", ".join(ranked[:SHOWN]) or "nothing"
        where = f"ranks #{ranked.index(check.expect) + 1}" if check.expect in ranked else "is not found at all"
        problems.append(Problem(RULE, check.span,
                                f"'{clip(check.query, 60)}' promises {check.expect} in the top {TOP}, but it "
                                f"{where}; first come: {above}. Add the agents' words to its `keywords`, or "
                                f"fix the check"))
    return problems
