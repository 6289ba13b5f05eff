"""Resolution paths as ``csdocs paths`` prints them: text and JSON.

The paths themselves are found by :func:`csdocs.graph.find_paths` (the one
path finder; the review diff compares its paths too), whose docstring says
how loops, broken references and the limit are handled.
"""

from __future__ import annotations

import json

from ..graph import MAX_PATHS, find_paths
from ..model import Sop
from .text import plural, tidy


def paths_to_data(sop: Sop, *, limit: int = MAX_PATHS) -> dict:
    found = find_paths(sop, limit=limit)
    data: dict = {
        "sop": sop.id,
        "count": len(found.paths),
        "truncated": found.truncated,
        "paths": [
            {"steps": list(path.steps),
             "answers": [{"step": step, "answer": answer} for step, answer in path.answers],
             "end": {"kind": path.end_kind, "target": path.end_target}}
            for path in found.paths
        ],
    }
    if found.truncated:
        data["note"] = f"stopped after {len(found.paths)} paths; the SOP has more"
    return data


def paths_to_json(sop: Sop, *, limit: int = MAX_PATHS) -> str:
    """``{"sop", "count", "truncated", "paths": [{"steps", "answers", "end": {"kind", "target"}}]}``."""
    return json.dumps(paths_to_data(sop, limit=limit), indent=2, ensure_ascii=False) + "\n"


END_WORDS = {"outcome": "ends", "escalate": "escalates to", "goto": "continues in SOP",
             "broken": "stops at the unknown reference"}


def paths_to_text(sop: Sop, *, limit: int = MAX_PATHS) -> str:
    """One numbered block per path: the steps with the answers taken, then the end."""
    found = find_paths(sop, limit=limit)
    lines = [f"{plural(len(found.paths), 'resolution path')} through {sop.id}"]
    for number, path in enumerate(found.paths, start=1):
        lines.append("")
        lines.append(f"{number}. {END_WORDS[path.end_kind]} {tidy(path.end_target)}")
        pending = list(path.answers)
        for step_id in path.steps:
            line = f"   - {tidy(step_id)}"
            if pending and pending[0][0] == step_id:
                line += f" -> {tidy(pending.pop(0)[1])}"
            lines.append(line)
    if found.truncated:
        lines += ["", f"note: stopped after {len(found.paths)} paths; the SOP has more"]
    return "\n".join(lines) + "\n"
