"""Reading SOP files: bytes -> text -> light YAML nodes -> schema check -> the frozen model.

One stage a module, in the order a file goes through them:

* :mod:`.decode`: UTF-8 only (a BOM is fine), within a size bound, no NUL;
* :mod:`.compose`: one pass over libyaml's events into small nodes with
  positions, refusing aliases, merge keys, odd tags, deep nesting and
  second documents, and noting duplicate keys;
* :mod:`.schema`: the shipped JSON Schema, checked by a small interpreter
  of the subset it uses (a compiled fast check first);
* :mod:`.build`: the nodes become the frozen model and are dropped.

:mod:`csdocs.loader` is the public face: ``load_file``, ``load_text``,
``load_glossary``. Nothing here raises on bad input: every problem is a
located :class:`~.problems.Problem`.
"""
