"""Measure each SOP against its ``metrics:`` targets from helpdesk ticket exports.

The contract is ``csdocs metrics`` (see README, "Metrics"): exports of
Zendesk, Freshdesk or a generic shape (:mod:`.shapes`) are read by DuckDB
(:mod:`.engine`), each ticket is attributed to the SOPs whose contact types
match its tags or type, and the definitions (FCR, escalation rate, AHT,
CSAT, backlog, first response within SLA) are computed in SQL, per SOP and
per week. :mod:`.targets` reads an SOP's targets and judges them,
:mod:`.report` prints the result, :mod:`.chart` draws the site's SVG charts.
"""
