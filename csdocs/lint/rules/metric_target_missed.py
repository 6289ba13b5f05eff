"""An SOP's measured performance misses one of its `metrics:` targets by more than the margin.

## What it does
Off unless the project configures helpdesk exports (`metrics: {exports:
[tickets.csv]}` among the `csdocs` plugin options in `mkdocs.yml`). Then
`csdocs lint` measures every SOP it lints from those exports, exactly as
`csdocs metrics` does (same definitions, `min_volume`, `columns`, `source`),
and reports each judged target the SOP misses by more than `metrics.margin`
percent of the target (default `0%`: every miss), at that target's key in
`metrics:`. `margin: 10%` reports an FCR under 72% for a target of 80%, an
AHT over 7m42s for a target of 7m; a target of 0 (`backlog: 0`) counts the
gap itself. A metric with fewer than `min_volume` tickets, no data, or a
target on another scale than the export's is not judged and not reported.
An export that cannot be read is reported once, at `metrics.exports` in
`mkdocs.yml`.

## Why is this bad?
A target nobody meets is either a process that does not work or a promise
that was never realistic, and both stay invisible in a file that only says
`fcr: 80%`. Reporting the gap where the target is written puts it in front
of the SOP's owner on every change, next to the text that causes it.

## Example
```yaml
# measured from examples/exports/zendesk-tickets.csv: FCR is 46.8% over 649 solved refund tickets
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
contact_types: [refund]
sla:
  first_response: 4h
  resolution: 2d
metrics:
  fcr: 80%
  escalation_rate: 10%
steps:
  - id: log
    title: Log the request
```

## Use instead
```yaml
# fix the process that makes refunds come back (the next export measures it), or, until then,
# write the target the team is held to now; escalation_rate 9.4% already meets 10%
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
contact_types: [refund]
sla:
  first_response: 4h
  resolution: 2d
metrics:
  fcr: 45%
  escalation_rate: 10%
steps:
  - id: log
    title: Log the request
```
"""

from ...metrics.lint import RULE as NAME
from ...model import Severity
from ..rule import Rule

RULE = Rule(name=NAME, severity=Severity.WARNING, doc=__doc__)
