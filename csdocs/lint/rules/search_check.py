"""A query the project promises agents does not find its SOP in the top 3.

## What it does
Reads `search-checks.yaml` (anywhere under the SOPs folder; usually
`sops/search-checks.yaml`): a list of `query` (what an agent or a customer
types) and `expect` (the id of the SOP it must find). Each query is ranked
exactly as the site's search ranks it, over every SOP of the project, and
the check is reported at its line when the expected SOP is not among the
first 3, naming what ranks above it, or when no SOP has that id. A check
without a `query` or an `expect` is reported too. `csdocs lint` and
`csdocs build` run the checks; `csdocs search QUERY` shows the whole ranking.

## Why is this bad?
Agents look SOPs up mid-call with the customer's words. When a reworded
title, a new SOP or a removed keyword pushes the right SOP down the list,
nobody notices until an agent follows the wrong procedure. Writing the
promises down turns "search finds it" into a check that fails in the pull
request that breaks it.

## Example
```yaml
# sops/search-checks.yaml (the example corpus): refund-request is not where chargebacks are handled
- {query: chargeback, expect: refund-request}
```

## Use instead
```yaml
# sops/search-checks.yaml: the SOP that answers the query (put the customer's words in its keywords)
- {query: chargeback, expect: card-dispute}
```
"""

from ...model import Severity
from ...search.checks import RULE as NAME
from ..rule import Rule

RULE = Rule(name=NAME, severity=Severity.WARNING, doc=__doc__)
