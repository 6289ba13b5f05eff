"""`csdocs lint`: check SOPs like a compiler, one rule per module in :mod:`csdocs.lint.rules`."""

from .engine import LintReport, lint_paths
from .rule import Finding, Issue, LintContext, Rule

__all__ = ["Finding", "Issue", "LintContext", "LintReport", "Rule", "lint_paths"]
