"""Packaging glue that pyproject.toml cannot express on its own.

The starter templates live in the top-level ``templates/`` folder (where
authors and contributors look for them) but must ship inside the package as
``csdocs.templates`` so that ``csdocs new`` works after a plain ``pip install``.
``[tool.setuptools.packages.find]`` cannot add a package from another folder,
so the package list is built here: every package under ``csdocs/`` (found
automatically, as before) plus the mapped templates folder. Everything else
stays in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(include=["csdocs", "csdocs.*"], exclude=["*.__pycache__"]),
        "csdocs.templates",
    ],
    package_dir={"csdocs.templates": "templates"},
)
