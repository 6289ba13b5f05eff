"""The plugin's seams: options declared once, generation without MkDocs, serve's session handed over,
and csdocs.config free of lint (the config <-> lint import cycle is cut)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from csdocs.config import OPTIONS, ConfigError, config_from_options, load_config
from csdocs.lint.registry import check_rule_options
from csdocs.site import pages
from csdocs.site.corpus import load_corpus
from csdocs.site.generate import generate_site, navigation
from csdocs.site.incremental import Session

from ..conftest import ROOT, TODAY


def test_the_plugin_declares_exactly_the_options_of_the_one_declaration() -> None:
    from csdocs.site.plugin import CsdocsPlugin

    assert [name for name, _ in CsdocsPlugin.config_scheme] == list(OPTIONS)


def test_every_option_the_readme_lists_is_declared_and_every_declared_one_is_listed() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Plugin options", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `([a-z_]+)`:", section, re.MULTILINE)
    assert sorted(listed) == sorted(OPTIONS)


def test_the_options_csdocs_init_writes_are_declared() -> None:
    template = (ROOT / "csdocs" / "scaffold" / "project" / "mkdocs.yml.j2").read_text("utf-8")
    block = template.split("- csdocs:", 1)[1]
    written = re.findall(r"^ {6}#? ?([a-z_]+):", block, re.MULTILINE)
    assert written and set(written) <= set(OPTIONS)


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_a_declared_option_of_the_wrong_kind_is_refused_naming_it(name: str, tmp_path: Path) -> None:
    wrong = 3 if OPTIONS[name] is not int else "three"  # no option is a bare number
    with pytest.raises(ConfigError, match=f"'{name}"):
        config_from_options({name: wrong}, root=tmp_path)


def test_generation_needs_no_mkdocs_build() -> None:
    config = load_config(ROOT / "mkdocs.yml")
    corpus = load_corpus(config)
    site = generate_site(corpus, config, site_name="Example", use_directory_urls=True, today=TODAY)
    made = [generated.page.src_uri for generated in site.pages]
    assert len(made) == len(set(made))  # one page per path
    assert [generated.page.src_uri for generated in site.pages[:len(corpus.sops)]] == \
        [site.layout.sop_pages[sop.id] for sop in corpus.sops]
    departments = {sop.department for sop in corpus.sops}
    assert len(site.layout.department_pages) == len(departments)
    assert set(made) == ({*site.layout.sop_pages.values(), *site.layout.department_pages.values(),
                          pages.HOME, pages.GLOSSARY, pages.ESCALATIONS, pages.REVIEWS, pages.RULES})
    assert all(generated.digest is None for generated in site.pages)  # digests only under serve
    assert set(site.layout.flowcharts) == {sop.id for sop in corpus.sops}

    nav = navigation(site.layout, ["guide.md", pages.HOME], performance=False)
    assert nav[0] == {"Home": pages.HOME} and nav[-1] == "guide.md"
    assert len(nav) == 1 + len(departments) + 1 + 1  # home, departments, process owners, the guide


def test_under_a_session_every_page_has_its_content_hash(tmp_path: Path) -> None:
    config = load_config(ROOT / "mkdocs.yml")
    corpus = load_corpus(config)
    site = generate_site(corpus, config, site_name="Example", use_directory_urls=True, today=TODAY,
                         session=Session(tmp_path))
    assert all(generated.digest for generated in site.pages)


def test_serve_hands_its_session_to_the_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from csdocs.site.serve import ServeSession, rebuild

    from .conftest import copy_project

    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    session = ServeSession(project / "mkdocs.yml", tmp_path / "served")
    config = session.load()
    assert config.plugins["csdocs"].session is None  # a plain build has none
    rendered = rebuild(session, config)
    assert config.plugins["csdocs"].session is session.incremental
    assert set(rendered) == set(session.incremental.rendered)


def test_config_never_imports_lint(tmp_path: Path) -> None:
    script = ("import sys; from pathlib import Path; from csdocs.config import config_from_options; "
              "config_from_options({'rules': {'step-unreachable': 'off'}, 'tiers': {'L1': 'One'}}, root=Path('.')); "
              "print(sorted(name for name in sys.modules if name.startswith('csdocs.lint')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_rule_names_are_checked_against_the_rules(tmp_path: Path) -> None:
    config = config_from_options({"rules": {"step-unreachabel": "off"}}, root=tmp_path)
    with pytest.raises(ConfigError, match="did you mean 'step-unreachable'"):
        check_rule_options(config)
    fine = config_from_options({"rules": {"step-unreachable": "off"}}, root=tmp_path)
    assert check_rule_options(fine) is fine


def test_a_plain_mkdocs_build_refuses_an_unknown_rule(tmp_path: Path) -> None:
    from .conftest import copy_project

    project = copy_project(tmp_path / "project")
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text("utf-8").replace("  - csdocs:\n", "  - csdocs:\n      rules: {step-unreachabel: off}\n"),
                      "utf-8")
    assert "rules: {step-unreachabel: off}" in mkdocs.read_text("utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode != 0
    assert "did you mean 'step-unreachable'" in result.stderr and "Traceback" not in result.stderr
