"""The file is not valid YAML, not UTF-8, or too large or deeply nested to be an SOP.

## What it does
Reports, at the line and column where reading stopped, a file that cannot
be read as one SOP: invalid YAML (a tab in the indentation, an unclosed
quote), text that is not UTF-8 (UTF-16 from a Windows editor, a NUL byte),
a file larger than 4 MiB or nested deeper than 64 levels, more than one YAML
document, anchors, aliases and merge keys (`&`, `*`, `<<`), and any tag that
is not one of YAML's standard ones (`!!python/object` never constructs
anything).

## Why is this bad?
Nothing else can be checked, drawn or published until the file reads. The
refused features are ones an SOP author never needs and are how hostile
files attack YAML readers (an alias bomb expands a few lines into gigabytes).

## Example
```yaml
title: Refund request
department: Billing
owner: Billing team lead
purpose: Give every refund request the same fair answer.
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
Indent with spaces, save as UTF-8, and write repeated values out in full.
"""

from ...model import Severity
from ..rule import Rule

RULE = Rule(name="yaml-syntax", severity=Severity.ERROR, doc=__doc__)
