"""YAML reads an unquoted value as something other than the text written.

## What it does
Reports an unquoted key or value that YAML 1.1 (what PyYAML, many editors
and most tools read) turns into something other than the text the author
typed:

- a key such as `NO`, `yes`, `on`, `off`, `~`, `null`, `010` or a date:
  `definitions: {NO: Norway desk}` is read as `false: Norway desk`;
- a time written with a colon: `aht: 5:30` is read as the number 330
  (base 60);
- a number with a leading zero or a `0x`/`0b` prefix: `backlog: 010` is
  read as 8 (octal);
- a version with a trailing zero: `version: 1.10` is read as 1.1.

csdocs itself keeps the text as written (the site shows `NO`, `1.10`),
so the finding is about every other reader of the file: editors, scripts,
the JSON Schema check, and the next person who copies the value.
Durations (`first_response: 1:30`) are `duration-format`'s finding, and
a value where only text is allowed (`title: yes`) is `schema`'s.

## Why is this bad?
The same file means two things: a reviewer reads `1.10`, a script that
compares versions reads `1.1` and reports `1.9 -> 1.1`; `NO` (the Norway
desk) becomes `False` in every tool that loads the glossary; `5:30`
(five and a half minutes) becomes 330.

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
version: 1.10
definitions:
  NO: Norway desk, which handles refunds for Norwegian customers
steps:
  - id: log
    title: Log the request and pass it to the NO desk
```

## Use instead
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
version: "1.10"
definitions:
  "NO": Norway desk, which handles refunds for Norwegian customers
steps:
  - id: log
    title: Log the request and pass it to the NO desk
```
"""

from ...model import Severity
from ..rule import Rule

RULE = Rule(name="yaml-implicit-type", severity=Severity.ERROR, doc=__doc__)
