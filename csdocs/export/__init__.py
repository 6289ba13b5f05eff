"""Exports of SOP content to other tools: ``csdocs export macros`` (helpdesk macros and replies)."""
