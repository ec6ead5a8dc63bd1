"""One JSON object per line (the same keys as the `json` format), for streaming and `jq -c`."""

from __future__ import annotations

import json

from sweeplint.report.json import as_dict


def render(diagnostics, ctx) -> str:
    return "".join(json.dumps(as_dict(d), ensure_ascii=False) + "\n" for d in diagnostics)
