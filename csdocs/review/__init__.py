"""The semantic review of SOP changes: what a change means for customers and agents.

``csdocs diff`` compares two SOP files, or every SOP between two git
revisions, on the model (never on YAML lines), gives each change a risk
and reports it as text, JSON, a Markdown pull-request comment or GitHub
annotations. See docs/reviewing-sop-changes.md.
"""

from .changes import KINDS, Change, PathChange, Review, Risk, SopDiff
from .compare import diff_sops

__all__ = ["KINDS", "Change", "PathChange", "Review", "Risk", "SopDiff", "diff_sops"]
