"""``csdocs notify``: what teams want to read in chat, as Slack and Teams payloads.

:mod:`.messages` says what (reviews due, risky changes), :mod:`.formats`
dresses it for Slack (Block Kit) or Teams (an Adaptive Card), and
:mod:`.webhook` posts it, with a timeout and retries.
"""
