"""The starter templates of ``csdocs new``, shipped as the package ``csdocs.templates``.

Each ``<name>.yaml.j2`` is one template; its first line is a Jinja2 comment
with the one-line description ``csdocs new --list`` shows. This file makes the
folder a regular package so that editable installs can map it too.
"""
