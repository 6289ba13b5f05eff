"""Renderers: Graphviz flowcharts, Mermaid, agent scripts and resolution paths.

Every renderer is a pure function of the model (``Sop -> str``) with a
stable order, so the same SOP always gives the same bytes. Running the
``dot`` binary is the one side effect, and it lives in :mod:`csdocs.render.dot`.
"""
