"""One error base with its exit code, handled once in the CLI (csdocs.errors, csdocs.cli).

The codes are the documented ones (README, "Exit status"): 1 when the work
could not be done, 2 for a usage error or bad input. Each command is run for
real on a mistake a user makes; the status, the located ``csdocs:`` message
and the absence of a traceback are checked, and the same kind of failure
("cannot write") exits the same way in every command that writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csdocs.config import ConfigError
from csdocs.errors import CannotWrite, CsdocsError, ExitCode, UsageError
from csdocs.export.macros import ExportError
from csdocs.metrics.engine import MetricsError
from csdocs.notify.webhook import WebhookError
from csdocs.project_files import PathNotFound
from csdocs.render.dot import DotFailed, DotNotFound
from csdocs.review.revisions import ReviewError
from csdocs.scaffold import ScaffoldError
from csdocs.site.build import BuildError

from .conftest import ROOT, run_csdocs, write_project
from .review.test_revisions import git
from .test_lint_cli import SOP as SOP_TEXT

SOP = ROOT / "sops" / "customer-care" / "refund-request.yaml"
UNWRITABLE = Path("/proc/csdocs-cannot-write-here")  # nothing, not even root, can create a file in /proc

VALID = SOP_TEXT.format(next="refund")


@pytest.mark.parametrize(("error", "code"), [
    (ConfigError("tiers", "must be a mapping"), ExitCode.USAGE),
    (PathNotFound("no such file or folder: x"), ExitCode.USAGE),
    (ReviewError("unknown revision 'x'"), ExitCode.USAGE),
    (MetricsError("x.csv: no such file"), ExitCode.USAGE),
    (DotNotFound(), ExitCode.USAGE),
    (UsageError("bad"), ExitCode.USAGE),
    (ScaffoldError("x.yaml already exists"), ExitCode.FAILED),
    (ExportError("id cannot name a macro"), ExitCode.FAILED),
    (WebhookError("refused"), ExitCode.FAILED),
    (BuildError("the site was not built"), ExitCode.FAILED),
    (DotFailed([(0, "syntax error")]), ExitCode.FAILED),
    (CannotWrite("out.svg", PermissionError(13, "Permission denied")), ExitCode.FAILED),
])
def test_each_kind_of_error_has_its_exit_code(error: CsdocsError, code: ExitCode) -> None:
    assert isinstance(error, CsdocsError)
    assert error.exit_code == code


def test_a_located_message_names_its_place() -> None:
    error = UsageError("is a file, not a folder", where="--svg")
    assert str(error) == "--svg: is a file, not a folder"
    assert str(CannotWrite("out.svg", PermissionError(13, "Permission denied"))) == \
        "cannot write out.svg: Permission denied"


def test_the_exit_codes_are_the_documented_ones() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Exit status", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^- \*\*(\d)\*\*", section, re.MULTILINE)}
    assert documented == {code.value for code in ExitCode}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"billing/refund-request.yaml": VALID},
                         "site_name: Errors\ndocs_dir: sops\nplugins:\n  - csdocs\n")


def _git_repo(project: Path) -> None:
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "sops")


# (what a user types, the exit status, words the message must hold); {project} and {sop} are filled in
CASES = {
    "lint a missing path": (("lint", "nope/"), ExitCode.USAGE, "csdocs: no such file or folder: nope"),
    "lint a bad option": (("lint", "--config", "bad.yml"), ExitCode.USAGE, "csdocs option 'tiers'"),
    "new over an existing SOP": (("new", "refund-request", "-d", "Billing"), ExitCode.FAILED,
                                 "csdocs: sops/billing/refund-request.yaml already exists"),
    "init over a project": (("init", "."), ExitCode.FAILED, "csdocs: "),
    "render a broken SOP": (("render", "script", "broken.yaml"), ExitCode.FAILED,
                            "csdocs: broken.yaml: cannot be read as an SOP"),
    "render where nothing can be written": (("render", "flowchart", "{sop}", "-f", "dot", "-o",
                                             f"{UNWRITABLE}/x.dot"), ExitCode.FAILED,
                                            f"csdocs: cannot write {UNWRITABLE}/x.dot"),
    "paths where nothing can be written": (("paths", "{sop}", "-o", f"{UNWRITABLE}/x.txt"), ExitCode.FAILED,
                                           f"csdocs: cannot write {UNWRITABLE}/x.txt"),
    "build without a project": (("build", "--config", "missing.yml"), ExitCode.USAGE,
                                "csdocs: no such config file: missing.yml"),
    "build with a bad option": (("build", "--config", "bad.yml"), ExitCode.USAGE, "csdocs option 'tiers'"),
    "serve without a project": (("serve", "--config", "missing.yml"), ExitCode.USAGE,
                                "csdocs: no such config file: missing.yml"),
    "diff an unknown revision": (("diff", "--base", "no-such-rev"), ExitCode.USAGE,
                                 "csdocs: unknown revision 'no-such-rev'"),
    "diff --svg where nothing can be written": (("diff", "{sop}", "changed.yaml", "--svg", f"{UNWRITABLE}"),
                                                ExitCode.FAILED, f"csdocs: cannot write to {UNWRITABLE}"),
    "diff --metrics of a missing export": (("diff", "{sop}", "changed.yaml", "--metrics", "none.csv"),
                                           ExitCode.USAGE, "csdocs: --metrics: none.csv: no such file"),
    "search a site not built": (("search", "--site-dir", "nosite", "refund"), ExitCode.USAGE, "nosite"),
    "export where nothing can be written": (("export", "macros", "--to", "zendesk", "-o", f"{UNWRITABLE}"),
                                            ExitCode.FAILED, f"csdocs: cannot write in {UNWRITABLE}"),
    "notify about an unknown revision": (("notify", "diff", "--base", "no-such-rev"), ExitCode.USAGE,
                                         "csdocs: unknown revision 'no-such-rev'"),
    "metrics of a missing export": (("metrics", "none.csv"), ExitCode.USAGE, "csdocs: none.csv: no such file"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_command_reports_a_user_error_once_with_its_code(project: Path, case: str) -> None:
    args, code, words = CASES[case]
    sop = project / "sops" / "billing" / "refund-request.yaml"
    (project / "bad.yml").write_text("site_name: Bad\nplugins:\n  - csdocs:\n      tiers: 3\n", "utf-8")
    (project / "broken.yaml").write_text("title: T\nsteps: [\n  - a\n", "utf-8")
    (project / "changed.yaml").write_text(VALID.replace("the order number", "the order id"), "utf-8")
    _git_repo(project)
    result = run_csdocs(*(arg.format(project=project, sop=sop) for arg in args), cwd=project)
    assert result.returncode == code, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
