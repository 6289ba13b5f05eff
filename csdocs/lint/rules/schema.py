"""A required field is missing, a field has the wrong type, or a field name is unknown.

## What it does
Checks every SOP against the format's JSON Schema (`csdocs schema` prints
it): the required fields (`title`, `department`, `owner`, `purpose`,
`steps`, and `id` and `title` on every step), the type of each field, the
allowed words (`status`, `priority`, `stage`, `channels`, `outcome`), and
unknown field names, suggesting the nearest known one. A misspelt required
field (`titel`) is reported once, as the unknown field with its suggestion.
An empty keyword, or a keyword that repeats another one in the same list
(ignoring case and spacing: "Money back" and "money  back"), is reported
too. An empty file or a top level that is not a mapping is reported here
too.

## Why is this bad?
A misspelt field is silently ignored by every tool that reads the SOP: the
step loses its action, the SOP its owner. Unquoted `Yes` and `No` are
true/false in YAML, not the answers the author meant.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
steps:
  - id: log
    titel: Log the request
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
Add `# yaml-language-server: $schema=...` at the top of the file and your
editor checks the fields as you type.
"""

from ...model import Severity
from ..rule import Rule

RULE = Rule(name="schema", severity=Severity.ERROR, doc=__doc__)
