"""``csdocs new``: the right place, never over anything, clear refusals."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import yaml

from csdocs.config import load_config
from csdocs.files import write_new
from csdocs.scaffold import ScaffoldError
from csdocs.scaffold.sop import create_sop

from ..conftest import TODAY, lint_json, run_csdocs, write_file


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: sops\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_writes_under_the_department_slug(cli, project: Path) -> None:
    result = cli("new", "refund-request", "--template", "refund-returns", "--department", "Billing & Payments",
                 "--title", "Refund request", "--owner", "Billing team lead")
    assert result.exit_code == 0, result.output
    path = project / "sops" / "billing-payments" / "refund-request.yaml"
    assert "created sops/billing-payments/refund-request.yaml" in result.output
    data = yaml.safe_load(path.read_text("utf-8"))
    assert (data["id"], data["title"], data["department"], data["owner"]) == (
        "refund-request", "Refund request", "Billing & Payments", "Billing team lead")
    assert data["last_reviewed"] == TODAY


def test_uses_the_configured_sops_dir_and_points_at_the_schema(cli, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Test\ndocs_dir: docs\nplugins:\n  - csdocs:\n      sops_dir: docs/procedures\n",
        encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the nearest mkdocs.yml upward, as for lint
    result = cli("new", "lost-card", "--department", "Card Services")
    assert result.exit_code == 0, result.output
    path = tmp_path / "docs" / "procedures" / "card-services" / "lost-card.yaml"
    assert path.read_text("utf-8").splitlines()[0] == "# yaml-language-server: $schema=../../../sop.schema.json"
    assert lint_json(cwd=tmp_path) == {"files": 1, "findings": []}


def test_refuses_to_overwrite(cli, project: Path) -> None:
    path = write_file(project / "sops" / "customer-care" / "refund.yaml", "my own work\n")
    result = cli("new", "refund", "--department", "Customer Care")
    assert result.exit_code == 1
    assert "sops/customer-care/refund.yaml already exists; nothing was written" in result.output
    assert path.read_text("utf-8") == "my own work\n"


def test_refuses_an_id_already_used_in_another_department(cli, project: Path) -> None:
    assert cli("new", "refund", "--department", "Customer Care").exit_code == 0
    write_file(project / "sops" / "billing" / "refund-policy.yaml", "id: card-refund\ntitle: T\n")
    result = cli("new", "refund", "--department", "Billing")
    assert result.exit_code == 1
    assert "an SOP with id 'refund' already exists: sops/customer-care/refund.yaml" in result.output
    result = cli("new", "card-refund", "--department", "Retail")
    assert result.exit_code == 1
    assert "already exists: sops/billing/refund-policy.yaml" in result.output
    assert not (project / "sops" / "billing" / "refund.yaml").exists()
    assert not (project / "sops" / "retail").exists()


@pytest.mark.parametrize("bad_id", ["Refund", "refund_request", "-refund", "refund request", "../escape", "x/y", "払い戻し"])
def test_rejects_a_bad_id(cli, project: Path, bad_id: str) -> None:
    result = cli("new", "--department", "Customer Care", "--", bad_id)
    assert result.exit_code == 2  # a bad argument (README, Exit status)
    assert "must be lower-case letters, digits and dashes" in result.output
    assert not (project / "sops").exists()


def test_unknown_template_suggests_the_nearest(cli, project: Path) -> None:
    result = cli("new", "x", "--template", "complain", "--department", "Customer Care")
    assert result.exit_code == 2
    assert "unknown template 'complain' (did you mean 'complaint'?)" in result.output
    assert not (project / "sops").exists()


def test_department_and_id_are_required(cli, project: Path) -> None:
    assert cli("new", "x").exit_code == 2
    assert cli("new", "--department", "D").exit_code == 2


def test_bad_today_is_a_usage_error(cli, project: Path) -> None:
    result = cli("new", "x", "--department", "D", "--today", "25/11/2026")
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_empty_department_is_refused(cli, project: Path) -> None:
    result = cli("new", "x", "--department", "  ")
    assert result.exit_code == 2
    assert "the department must not be empty" in result.output


def test_exit_codes_from_a_real_process(project: Path) -> None:
    first = run_csdocs("new", "a", "--department", "D", cwd=project)
    again = run_csdocs("new", "a", "--department", "D", cwd=project)
    assert (first.returncode, again.returncode) == (0, 1)
    assert "Traceback" not in again.stderr


def test_write_new_never_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "sop.yaml"
    write_new(target, "first\n")
    with pytest.raises(FileExistsError):
        write_new(target, "second\n")
    assert target.read_text("utf-8") == "first\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["sop.yaml"]


def test_write_new_respects_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_new(tmp_path / "sop.yaml", "x\n")
    finally:
        os.umask(old)
    assert (tmp_path / "sop.yaml").stat().st_mode & 0o777 == 0o644


def test_racing_writers_cannot_clobber_each_other(tmp_path: Path) -> None:
    target = tmp_path / "race.yaml"
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def writer(number: int) -> None:
        barrier.wait()
        try:
            write_new(target, f"writer {number}\n")
            outcomes.append(f"writer {number}\n")
        except FileExistsError:
            outcomes.append("refused")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "refused"]
    assert len(winners) == 1 and outcomes.count("refused") == 7
    assert target.read_text("utf-8") == winners[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.yaml"]


def test_create_sop_reports_a_file_that_appears_meanwhile(project: Path, monkeypatch) -> None:
    from csdocs.scaffold import sop as sop_module

    real_write = sop_module.write_new

    def someone_was_faster(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("theirs\n", encoding="utf-8")
        real_write(path, text)

    monkeypatch.setattr(sop_module, "write_new", someone_was_faster)
    with pytest.raises(ScaffoldError, match="appeared while writing; nothing was overwritten"):
        create_sop(load_config(), sop_id="x", template_name="basic", department="D", title=None, owner=None,
                   today=TODAY)
    assert (project / "sops" / "d" / "x.yaml").read_text("utf-8") == "theirs\n"


def test_a_file_where_the_department_folder_goes_is_refused(cli, project: Path) -> None:
    (project / "sops").mkdir()
    (project / "sops" / "billing").write_text("not a folder\n", encoding="utf-8")
    result = cli("new", "refund", "--department", "Billing")
    assert result.exit_code == 1
    assert "sops/billing (or a folder above it) is a file, not a folder" in result.output
    assert (project / "sops" / "billing").read_text("utf-8") == "not a folder\n"


def test_replace_atomically_gives_normal_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    import os

    from csdocs.files import replace_atomically

    target = tmp_path / "out" / "chart.svg"
    replace_atomically(target, "<svg/>")
    replace_atomically(target, b"<svg>2</svg>")
    assert target.read_bytes() == b"<svg>2</svg>"
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0o600
    assert [p.name for p in target.parent.iterdir()] == ["chart.svg"]
