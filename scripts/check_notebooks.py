"""Fail on executed notebooks that hide a failure.

`jupyter nbconvert --execute` fails only on a compile error: a panic or a `?` error in an evcxr
cell lands in a stderr output and the run exits 0. This check fails on any error output, any
stderr output, any "panicked at", any code cell that did not run, and any notebook over the
size limit, naming the notebook and the cell.

    python scripts/check_notebooks.py NOTEBOOK...
"""

import json
import sys
from pathlib import Path

MAX_BYTES = 2_000_000


def problems(path: Path):
    size = path.stat().st_size
    if size > MAX_BYTES:
        yield f"{size:,} bytes, over the {MAX_BYTES:,}-byte limit"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    for number, cell in enumerate(code_cells, start=1):
        first_line = next(iter("".join(cell["source"]).splitlines()), "")
        where = f"code cell {number} ({first_line[:60]!r})"
        if cell.get("execution_count") is None:
            yield f"{where} did not run"
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                yield f"{where}: error {output.get('ename')}: {output.get('evalue')}"
            text = output.get("text") or "".join(
                "".join(v) if isinstance(v, list) else str(v)
                for v in output.get("data", {}).values()
            )
            text = "".join(text) if isinstance(text, list) else text
            if kind == "stream" and output.get("name") == "stderr":
                yield f"{where}: stderr: {text.strip()[:300]}"
            elif "panicked at" in text:
                yield f"{where}: panicked: {text.strip()[:300]}"


def main(paths):
    failed = False
    for path in map(Path, paths):
        found = list(problems(path))
        for problem in found:
            print(f"{path}: {problem}", file=sys.stderr)
        failed |= bool(found)
    if failed:
        sys.exit(1)
    print(f"check_notebooks: {len(paths)} notebook(s) clean")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
