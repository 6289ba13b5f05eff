"""Two departments written differently share one folder name.

## What it does
Compares each SOP's `department` with every other department of the
project by its slug, the name its folder and web address are made from
(lower case, every run of characters that are not letters or digits made
one `-`, any script kept: `Billing/Payments`, `Billing Payments` and
`billing-payments` are all `billing-payments`). Two departments written
differently with one slug are reported at each SOP's `department`, naming
the other one and a file that uses it.

## Why is this bad?
Usually it is one department written two ways, and the site lists it
twice (`billing-payments/` and `billing-payments-2/`), with its SOPs split
between the two. When they are two departments, their addresses differ
only by a number that depends on which sorts first, so a link shared today
may lead to the other department tomorrow.

## Example
```yaml
title: Refund request
department: Billing Payments
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
```
with another SOP of the project in `department: Billing/Payments`.

## Use instead
```yaml
title: Refund request
department: Billing/Payments
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
```
"""

from __future__ import annotations

from collections.abc import Iterator

from ...loader import clip
from ...model import Severity, Sop
from ..rule import Issue, LintContext, Rule


def check(sop: Sop, ctx: LintContext) -> Iterator[Issue]:
    key = sop.department_key
    if not key:
        return
    others = ctx.project.department_clashes.get(key)
    if not others:
        return
    listed = ", ".join(f"{clip(name, 40)!r} ({path})" for name, path in others[:3])
    yield Issue(sop.at("department"), f"department {clip(key, 40)!r} makes the same folder name {sop.slug!r} "
                                      f"as {listed}: write the department the same way in every SOP, or "
                                      "name them apart")


RULE = Rule(name="department-folder-clash", severity=Severity.WARNING, doc=__doc__, check=check)
