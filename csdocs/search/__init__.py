"""Agents' search: find the right SOP from the words a customer or an agent uses.

``text`` turns any text into search terms (the same rules as the browser's
``csdocs-search.js``); ``index`` builds one record per SOP with weighted
terms and writes the sharded index the site publishes; ``rank`` ranks from
those files exactly as the browser does; ``checks`` runs a project's promised
queries (``search-checks.yaml``, lint rule ``search-check``); ``commands``
holds ``csdocs search``.
"""
