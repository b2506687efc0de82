#!/usr/bin/env python3
"""Execute notebooks in place on a Jupyter kernel, keeping output that arrives just after a cell.

evcxr forwards a cell's stderr on a thread of its own, so a message (the text of a `?` error,
say) can reach Jupyter a fraction of a millisecond after the cell's "idle" status. nbconvert and
nbclient stop listening at "idle" and drop it, and a failing cell then looks clean. This runs
nbclient with one change: after each cell it keeps collecting that cell's messages for a short
grace period (measured lateness is under 1 ms; the default allows 100 ms).

    python scripts/execute_notebooks.py [--kernel rust] [--timeout 3600] [--grace 0.1] NOTEBOOK...
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async


class LateOutputClient(NotebookClient):
    """An nbclient that also records a cell's messages that arrive soon after its "idle"."""

    late_output_grace = 0.1

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        deadline = time.monotonic() + self.late_output_grace
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except Empty:
                return
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass


def execute(path: Path, kernel: str, timeout: int, grace: float) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = LateOutputClient(
        notebook,
        kernel_name=kernel,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.late_output_grace = grace
    try:
        client.execute()
    finally:
        # Keep what ran, even when a cell failed, so the failure can be read in the notebook.
        write_atomically(notebook, path)


def write_atomically(notebook, path: Path) -> None:
    """Writes beside the target under a fresh name, flushes, then renames over it: an
    interrupted run never leaves a half-written notebook."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(notebook, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--kernel", default="rust", help="kernelspec name (default: rust)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--grace", type=float, default=0.1, help="seconds to wait for late output")
    args = parser.parse_args()
    # nbclient waits at most iopub_timeout (4 s) for a cell's output task after its reply.
    if not 0 <= args.grace < 4:
        parser.error("--grace must be at least 0 and under 4 seconds (nbclient's iopub_timeout)")
    for path in args.notebooks:
        print(f"==> executing {path}", flush=True)
        start = time.monotonic()
        execute(path, args.kernel, args.timeout, args.grace)
        print(f"    {time.monotonic() - start:.0f} s", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a cell error or a dead kernel: one line, not a traceback
        sys.exit(f"execute_notebooks: {type(error).__name__}: {error}")
