"""`related` names an SOP that does not exist, or the SOP itself.

## What it does
Checks every id in `related` against the SOPs of the project (every SOP
under the project's `sops_dir` and the files given to `csdocs lint`; with no
`mkdocs.yml`, the files given) and suggests the nearest existing id. It also
reports an SOP that lists itself, and an id listed twice.

## Why is this bad?
The site links related SOPs on each page: an unknown id is a broken link,
usually to an SOP that was renamed or retired, and an agent looking for the
next procedure finds nothing.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
related: [card-dispute]
steps:
  - id: log
    title: Log the request
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
```
Or create the `card-dispute` SOP, or correct the id to an existing SOP's.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule
from ..text import did_you_mean

# Each suggestion compares with every SOP id of the project: a hostile list
# of thousands of unknown ids gets suggestions for the first few only.
_MAX_SUGGESTIONS = 20


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    seen: set[str] = set()
    known: list[str] | None = None
    unknown = 0
    for index, related in enumerate(sop.related):
        span = sop.at(f"related[{index}]")
        name = clip(related, 40)
        if related in seen:
            yield Issue(span, f"related lists {name!r} twice: remove one")
            continue
        seen.add(related)
        if related == sop.id:
            yield Issue(span, f"related lists this SOP itself ({name!r}): remove it")
        elif ctx.project.sop(related) is None:
            unknown += 1
            hint = ""
            if unknown <= _MAX_SUGGESTIONS:
                if known is None:
                    known = sorted(other for other in ctx.project.sops_by_id if other != sop.id)
                hint = did_you_mean(related, known)
            yield Issue(span, f"related names unknown SOP {name!r}{hint}")


RULE = Rule(name="related-unknown", severity=Severity.ERROR, doc=__doc__, check=check)
