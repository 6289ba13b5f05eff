"""The MkDocs side of csdocs: a thin plugin that publishes SOPs as pages.

``plugin`` adapts MkDocs events; ``corpus`` loads the SOPs; ``pages``
renders them (pure, Jinja2 with autoescape); ``flowcharts`` draws and
sanitises the SVGs; ``build`` wraps ``mkdocs build`` (lint first, atomic
swap, reproducible bytes); ``commands`` holds ``csdocs build`` and
``csdocs serve``.
"""
