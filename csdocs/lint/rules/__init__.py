"""One module per rule, named after it (``step_unreachable.py`` is ``step-unreachable``).

Each module's docstring is the rule's documentation, in one shape:
a one-line summary, then ``## What it does``, ``## Why is this bad?``,
``## Example`` (a whole SOP in a ```yaml block that fires the rule) and
``## Use instead`` (the same SOP, fixed). ``csdocs rule NAME`` prints it,
the site's rule reference is generated from it, and a test proves each
example fires its rule and each fix does not.
"""
