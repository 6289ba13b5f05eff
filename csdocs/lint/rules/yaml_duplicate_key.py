"""A mapping repeats a key.

## What it does
Reports the second occurrence of a key in the same mapping, pointing at the
repeated key and naming the line of the first.

## Why is this bad?
YAML readers silently keep only one of the two values, so half of what the
author wrote disappears without a word: a second `action:` replaces the
first, a second `sla:` hides the one a reviewer approved.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    title: Log the request
    action: Create a ticket with the order number.
    action: Add the amount and the reason.
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
    action: Create a ticket with the order number, the amount and the reason.
```
"""

from ...model import Severity
from ..rule import Rule

RULE = Rule(name="yaml-duplicate-key", severity=Severity.ERROR, doc=__doc__)
