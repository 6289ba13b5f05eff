"""The site's JSON API and its /for/<contact-type>/ pages (csdocs.site.api)."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

import jsonschema
import markupsafe
import pytest
import yaml

from csdocs.loader import load_text
from csdocs.model import Glossary, Sop, slugify
from csdocs.site.api import build_api, group_contact_types
from csdocs.site.api_schema import SCHEMA
from csdocs.site.corpus import Corpus
from csdocs.site.pages import plan_layout

from ..conftest import SOPS


def _sop(sop_id: str, *, title: str = "", department: str = "Billing", contact_types: str = "[refund]",
         status: str = "active", path: str | None = None, extra: str = ""):
    text = (f"id: {sop_id}\ntitle: {json.dumps(title or sop_id.title())}\ndepartment: {department}\n"
            f"owner: Lead\npurpose: Help.\nstatus: {status}\nlast_reviewed: 2026-11-01\n"
            f"contact_types: {contact_types}\n{extra}"
            "steps:\n  - id: log\n    title: Log it\n  - id: done\n    title: Done\n    outcome: resolved\n")
    loaded = load_text(text, path or f"sops/{sop_id}.yaml")
    assert loaded.sop is not None, loaded.problems
    return loaded.sop


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": f"#/$defs/{kind}"})


def _files(sops: list[Sop], **options) -> dict[str, bytes]:
    urls = {sop.id: f"{sop.slug}/{sop.id}/" for sop in sops}
    return build_api(sops, urls, site_name="Acme SOPs", **options).files


# ------------------------------------------------------------------ slugs


@pytest.mark.parametrize(("text", "slug"), [
    ("Card  dispute", "card-dispute"),
    ("  Refund / return? ", "refund-return"),
    (unicodedata.normalize("NFD", "Hoàn tiền"), "hoàn-tiền"),  # NFC whatever the editor wrote
    ("ＣＲＭ　問い合わせ", "crm-問い合わせ"),  # full-width letters and space: NFKC
    ("返金", "返金"),
    ("Straße", "straße"),
    ("???", ""),
    ("x" * 70, "x" * 60),
])
def test_contact_type_slug(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_contact_types_with_one_slug_share_no_file_and_are_reported_where_written() -> None:
    one = _sop("a", contact_types="[Card dispute, refund]", path="sops/a.yaml")
    two = _sop("b", contact_types="[refund, card-dispute]", path="sops/b.yaml")
    groups, warnings = group_contact_types([one, two])
    assert sorted(groups) == ["refund"] and [s.id for s in groups["refund"][1]] == ["a", "b"]
    (warning,) = warnings
    # "Card dispute" is the first item of a's list (line 8, after "contact_types: ["), "card-dispute" b's second
    assert "'Card dispute' at sops/a.yaml:8:17" in warning and "'card-dispute' at sops/b.yaml:8:25" in warning
    assert "for/card-dispute/" in warning


def test_a_contact_type_with_no_letter_is_left_out_with_its_place() -> None:
    groups, warnings = group_contact_types([_sop("a", contact_types='["???", refund]', path="sops/a.yaml")])
    assert list(groups) == ["refund"]
    assert warnings == ["sops/a.yaml:8:17: contact type '???' has no letter or digit: it gets no page under for/ "
                        "and no API file"]


def test_retired_sops_resolve_no_contact_type_but_stay_in_the_index() -> None:
    files = _files([_sop("old", status="retired"), _sop("new")])
    refund = json.loads(files["api/v1/contact-types/refund.json"])
    assert [entry["id"] for entry in refund["sops"]] == ["new"]
    index = json.loads(files["api/v1/index.json"])
    assert [(entry["id"], entry["status"]) for entry in index["sops"]] == [("new", "active"), ("old", "retired")]


def test_api_and_for_are_no_department_folder() -> None:
    sops = (_sop("a", department="API"), _sop("b", department="For"))
    layout = plan_layout(Corpus(sops, Glossary(), (), (), (), None), use_directory_urls=True)
    assert dict(layout.sop_pages) == {"a": "api-sops/a.md", "b": "for-sops/b.md"}


# ------------------------------------------------------------------ files


def test_non_latin_contact_types_get_their_own_files_and_encoded_urls() -> None:
    files = _files([_sop("henkin", contact_types="[返金]")])
    assert "api/v1/contact-types/返金.json" in files and "for/返金/index.html" in files
    index = json.loads(files["api/v1/index.json"])
    assert index["contact_types"] == [{
        "contact_type": "返金", "slug": "返金", "page": "for/" + quote("返金") + "/",
        "api": "api/v1/contact-types/" + quote("返金") + ".json", "sops": ["henkin"]}]


def test_sop_text_is_json_in_json_and_escaped_in_pages() -> None:
    title = '</script><script>alert(1)</script> & "quotes" \u2028'
    sop = _sop("evil", title=title, contact_types='["<b>refund</b>", "x\\" onmouseover=\\"alert(1)"]')
    sop_two = _sop("other", contact_types='["<b>refund</b>"]')
    files = _files([sop, sop_two])
    document = json.loads(files["api/v1/sops/evil.json"])
    assert document["title"] == title  # the very text, not escaped twice
    page = files["for/b-refund-b/index.html"].decode("utf-8")  # two SOPs: a list
    assert "<script>" not in page and "<b>" not in page
    assert str(markupsafe.escape(title)) in page  # Jinja2's own escaping: &lt; &gt; &amp; &#34;
    single = files["for/x-onmouseover-alert-1/index.html"].decode("utf-8")
    assert 'onmouseover="' not in single and "x&#34; onmouseover=&#34;alert(1)" in single


def test_one_sop_pages_forward_and_many_sop_pages_list(tmp_path: Path) -> None:
    files = _files([_sop("a", title="Alpha", contact_types="[refund, return]"),
                    _sop("b", title="Beta", department="Store", contact_types="[return]")])
    single = files["for/refund/index.html"].decode("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../../billing/a/">' in single
    listing = files["for/return/index.html"].decode("utf-8")
    assert "http-equiv" not in listing
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', listing) == [("../../billing/a/", "Alpha"),
                                                                         ("../../store/b/", "Beta")]
    flat = build_api([_sop("a")], {"a": "billing/a.html"}, site_name="S", use_directory_urls=False).files
    assert 'url=../../billing/a.html"' in flat["for/refund/index.html"].decode("utf-8")
    assert json.loads(flat["api/v1/index.json"])["contact_types"][0]["page"] == "for/refund/index.html"


def test_urls_are_absolute_with_a_site_url_and_steps_have_their_anchor() -> None:
    files = _files([_sop("a")], site_url="https://sops.example.com/help")
    document = json.loads(files["api/v1/sops/a.json"])
    assert document["url"] == "https://sops.example.com/help/billing/a/"
    assert [(s["anchor"], s["url"]) for s in document["steps"]] == [
        ("step-log", "https://sops.example.com/help/billing/a/#step-log"),
        ("step-done", "https://sops.example.com/help/billing/a/#step-done")]
    assert document["steps"][1]["move"] == {"kind": "outcome", "target": "resolved", "raises": None}
    entry = json.loads(files["api/v1/index.json"])["sops"][0]
    assert entry["api"] == "https://sops.example.com/help/api/v1/sops/a.json"


def test_the_same_sops_in_any_order_give_the_same_bytes() -> None:
    sops = [_sop(f"s{n}", contact_types=f"[refund, type {n % 3}]") for n in range(8)]
    first = _files(sops)
    random.Random(4).shuffle(sops)
    assert _files(sops) == first


def test_every_file_matches_the_schema_and_the_schema_catches_a_broken_one() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    files = _files([_sop("a", contact_types="[refund, 返金]"), _sop("b", extra="version: 2\npriority: high\n")])
    kinds = {"api/v1/index.json": "index"}
    for name, data in files.items():
        if name.startswith("api/v1/") and name != "api/v1/schema.json":
            kind = kinds.get(name, "sop" if name.startswith("api/v1/sops/") else "contactType")
            value = json.loads(data)
            _validator(kind).validate(value)
            jsonschema.validate(value, SCHEMA)  # the schema as published accepts each file too
    broken = json.loads(files["api/v1/sops/b.json"])
    assert broken["version"] == "2" and broken["priority"] == "high"
    del broken["steps"][0]["url"]
    with pytest.raises(jsonschema.ValidationError, match="'url' is a required property"):
        _validator("sop").validate(broken)


# ------------------------------------------------------------------ a real build


def test_the_built_site_serves_the_api_outside_search_and_sitemap(built_project: Path) -> None:
    site = built_project / "site"
    index = json.loads((site / "api/v1/index.json").read_text("utf-8"))
    assert [entry["id"] for entry in index["sops"]] == ["card-dispute", "password-reset", "refund-request"]
    for entry in index["sops"]:
        assert (site / entry["url"] / "index.html").is_file() and (site / entry["api"]).is_file()
    assert json.loads((site / "api/v1/schema.json").read_text("utf-8")) == SCHEMA
    forward = (site / "for/chargeback/index.html").read_text("utf-8")
    target = re.search(r'content="0; url=([^"]+)"', forward).group(1)
    assert (site / "for/chargeback" / target / "index.html").resolve() == \
        (site / "billing/card-dispute/index.html").resolve()
    document = json.loads((site / "api/v1/sops/refund-request.json").read_text("utf-8"))
    for step in document["steps"]:
        page = (site / step["url"].split("#")[0] / "index.html").read_text("utf-8")
        assert f'id="{step["anchor"]}"' in page
    for path in [site / "sitemap.xml", *(site / "search").rglob("*")]:
        if path.is_file():
            text = path.read_text("utf-8", errors="replace")
            assert "api/v1" not in text and "for/chargeback" not in text, path


def test_format_1_1_fields_are_published_as_written() -> None:
    # The example corpus' incident SOP uses every format 1.1 field; the right values are read from its
    # YAML here, not from the model: escalate + next is a move to next that raises the escalation.
    path = SOPS / "technical-support" / "major-incident-response.yaml"
    written = yaml.safe_load(path.read_text("utf-8"))
    loaded = load_text(path.read_text("utf-8"), "sops/technical-support/major-incident-response.yaml")
    assert loaded.sop is not None, loaded.problems
    document = json.loads(_files([loaded.sop])["api/v1/sops/major-incident-response.json"])
    _validator("sop").validate(document)

    def raises(move: dict) -> str | None:
        return move["escalate"] if "escalate" in move and "next" in move else None

    assert [step["every"] for step in document["steps"]] == [step.get("every") for step in written["steps"]]
    assert [step["until"] for step in document["steps"]] == [step.get("until") for step in written["steps"]]
    assert [[branch["move"]["raises"] for branch in step["branches"]] for step in document["steps"]] == \
        [[raises(branch) for branch in step.get("branches", [])] for step in written["steps"]]
    assert [step["move"] and step["move"]["raises"] for step in document["steps"]] == \
        [raises(step) if any(key in step for key in ("next", "escalate", "goto", "outcome")) else None
         for step in written["steps"]]
    assert [e["response"] for e in document["escalations"]] == \
        [e.get("response") for e in written["escalations"]]
    assert any(step["every"] for step in document["steps"])  # the SOP really uses each field
    assert any(branch["move"]["raises"] for step in document["steps"] for branch in step["branches"])
