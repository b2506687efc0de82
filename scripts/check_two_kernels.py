"""Two notebooks open at once: start two Rust kernels side by side, as JupyterLab does for two
notebooks, run the same cells in both at the same time (each kernel on its own thread), then
one more cell in each, and fail unless every cell of both answers without an error. With one
build folder shared by both kernels (the kernelspec without scripts/evcxr_kernel.sh) this
fails: each kernel renames the other's freshly built library ("Error renaming .../libctx.so to
.../libcode_4.so"), the failure JupyterLab showed as "dlsym failed" and a restart loop.

    .venv/bin/python scripts/check_two_kernels.py        # run by 'make test-notebooks'
"""

import os
import pathlib
import sys
import threading
import time

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEP = f':dep ml_workflow = {{ package = "ml-workflow", path = "{ROOT}", default-features = false }}'
CELLS = [
    DEP,
    "use ml_workflow::prelude::*;",
    "let x: Vec<f64> = (0..20).map(f64::from).collect();",
    "let df = from_columns(vec![(\"x\".into(), x.clone()), (\"y\".into(), x)])?;",
    "println!(\"{}\", df.height() * KERNEL);",
]
FAILURES = []
TIMEOUT = float(os.environ.get("CELL_TIMEOUT", "1800"))


def run(client, code):
    """Executes `code`; returns (status, stdout, error text)."""
    msg_id = client.execute(code)
    out, error = [], []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            (error if content["name"] == "stderr" else out).append(content["text"])
        elif kind == "error":
            error.append(content.get("evalue", "") + " ".join(content.get("traceback", [])))
        elif kind == "status" and content["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=TIMEOUT)
    return reply["content"]["status"], "".join(out), "".join(error)


def check(k, cell, status, out, err):
    """Fails unless the cell answered without an error (and printed its kernel's number)."""
    if status != "ok" or "error" in err.lower() or "panicked" in err:
        FAILURES.append(f"kernel {k + 1}, cell {cell!r}: {status} {err.strip()[:500]}")
    elif "KERNEL" in cell and out.strip() != str(20 * (k + 1)):
        FAILURES.append(f"kernel {k + 1} printed {out.strip()!r}, not {20 * (k + 1)}")


def main():
    kernels = [start_new_kernel(kernel_name="rust", startup_timeout=120) for _ in range(2)]
    try:
        for k, (_, client) in enumerate(kernels):
            run(client, f"const KERNEL: usize = {k + 1};")
        # As in JupyterLab with two notebooks running all at once: both kernels build their
        # cells at the same time, then each runs one more cell.
        def run_all(k, client):
            for cell in CELLS:
                check(k, cell, *run(client, cell))

        threads = [
            threading.Thread(target=run_all, args=(k, client))
            for k, (_, client) in enumerate(kernels)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if FAILURES:
            sys.exit(FAILURES[0])
        for k, (_, client) in enumerate(kernels):
            check(k, CELLS[-1], *run(client, CELLS[-1]))
        if FAILURES:
            sys.exit(FAILURES[0])
        for k, (manager, _) in enumerate(kernels):
            if not manager.is_alive():
                sys.exit(f"kernel {k + 1} died")
    finally:
        for manager, client in kernels:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    print("check_two_kernels: two kernels at once, each in its own build folder, every cell ok")


if __name__ == "__main__":
    main()
