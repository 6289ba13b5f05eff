"""Where a finding inside a value points: the column where the word is written, for every kind of scalar.

Each case is an SOP that uses the undefined acronym ``QXZ`` once; the expected
line and column are where ``QXZ`` is written in the file (found in the text, not
copied from csdocs' output). Columns count Unicode code points from 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from csdocs.config import Config
from csdocs.lint.engine import lint_paths
from csdocs.load.positions import Source, value_position
from csdocs.model import Span

from .conftest import TODAY

HEAD = "title: Refund request\ndepartment: Billing\nowner: Billing team lead\n"
STEPS = "steps:\n  - id: log\n    title: Log the request\n"

CASES = {
    "double-quoted": 'purpose: "Ask for the QXZ."\n',
    "single-quoted": "purpose: 'It''s the customer''s QXZ.'\n",
    "double-quoted with escapes": 'purpose: "Caf\\u00e9 \\"menu\\" \\x41\\t then QXZ."\n',
    "literal block": "purpose: |\n  First line.\n  Then the QXZ.\n",
    "folded block": "purpose: >\n  First line\n\n  then the QXZ.\n",
    "folded block, strip, comment": "purpose: >-  # why\n  First line\n  then the QXZ.\n",
    "block with indentation indicator": "purpose: |2\n   indented first\n  then the QXZ.\n",
    "plain over two lines": "purpose: Plain text that\n  continues with the QXZ.\n",
    "double-quoted over two lines": 'purpose: "Quoted text   \n\n   continues with the QXZ."\n',
    "single-quoted over two lines": "purpose: 'Quoted text\n  continues with the QXZ.'\n",
    "escaped line break": 'purpose: "Quoted text \\\n  continues with the QXZ."\n',
    "flow sequence": "purpose: Fair answers.\nscript:\n  questions: [Who are you?, \"Your 'QXZ' number?\"]\n",
    "flow mapping": "purpose: Fair answers.\nsteps:\n  - {id: log, title: \"Log it, then the QXZ\"}\n",
    "accented letters before": 'purpose: "Crème brûlée, façade: QXZ"\n',
    "wide characters before": 'purpose: "返金のご依頼はＱ番号 QXZ"\n',
    "emoji before": 'purpose: "Refund 😀😀 then QXZ"\n',
    "leading spaces the loader strips": 'purpose: "   Ask for the QXZ."\n',
    "windows line endings": "purpose: >\r\n  First line\r\n  then the QXZ.\r\n",
}


def _written_at(text: str, word: str) -> Span:
    """The line and column (code points, from 1) where ``word`` is written; YAML's line breaks."""
    source = Source(text)
    return source.span(text.index(word))


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_word_inside_a_value_is_found_where_it_is_written(name: str, tmp_path: Path) -> None:
    body = CASES[name]
    text = HEAD + body + ("" if "steps:" in body else STEPS)
    (tmp_path / "sop.yaml").write_bytes(text.encode("utf-8"))
    findings = [f for f in lint_paths([tmp_path / "sop.yaml"], config=Config(root=tmp_path), today=TODAY).findings
                if f.rule == "undefined-term"]
    assert [(f.line, f.column) for f in findings] == [tuple(_written_at(text, "QXZ"))]


def test_a_column_counts_code_points_not_bytes_or_utf16_units() -> None:
    text = 'purpose: "😀é QXZ"\n'
    column = value_position(Source(text), Span(1, 10), "😀é QXZ", 3)
    assert column == Span(1, len('purpose: "😀é ') + 1)  # Python counts code points
    assert column != Span(1, len('purpose: "😀é '.encode()) + 1)
    assert column != Span(1, len('purpose: "😀é '.encode("utf-16-le")) // 2 + 1)


def test_a_source_that_does_not_read_back_points_nowhere() -> None:
    """A model value that is not what the source says there gives None (the caller keeps the value's span)."""
    assert value_position(Source('purpose: "abc"\n'), Span(1, 10), "xyz", 1) is None
    assert value_position(Source('purpose: "abc"\n'), Span(9, 1), "abc", 1) is None


def test_yaml_line_breaks_count_as_lines() -> None:
    """U+2028 is a line break to YAML (and libyaml): later lines are counted after it."""
    text = 'title: "a\u2028b"\npurpose: QXZ\n'
    assert Source(text).span(text.index("QXZ")) == Span(3, 10)
