#!/usr/bin/env python3
"""Time to first output in JupyterLab: the Rust notebooks (evcxr) against their Python twins.

One JupyterLab (scripts/test_lab.py's: the project venv, a throwaway config, Debian's Chromium
through Playwright) runs notebooks/01-height-weight and 02-boston-housing on the project's Rust
kernel, then compare/python/notebooks/ (pandas + seaborn + scikit-learn) on compare/.venv's
ipykernel, registered as "python3" in a temporary JUPYTER_PATH; one notebook at a time, each
opened fresh (a new kernel), outputs cleared, run all. Prints one table: kernel start (opening
to the first idle), time to first output (run all to the first cell's output), the whole
notebook (run all to the last reply), per side, and Rust / Python. The timings are also written
to target-lab/compare/timings.json, with screenshots beside them.

    .venv/bin/python compare/lab_first_output.py          # or: compare/lab_first_output.py

Environment: ML_WORKFLOW_DATA (default ../shared/data when it has the CSVs, else data/), VENV.
The Rust side's first cell rebuilds the crate in the kernel's build folder when src/ changed
since that folder last built it: run twice and read the second run.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import test_lab  # noqa: E402  (scripts/test_lab.py: the JupyterLab + Chromium driver)

NOTEBOOKS = ["01-height-weight.ipynb", "02-boston-housing.ipynb"]
OUT = test_lab.OUT / "compare"


def python_kernel_dir(tmp):
    """A JUPYTER_PATH entry whose "python3" kernelspec runs compare/.venv's ipykernel."""
    python = subprocess.run(["bash", str(ROOT / "compare/python/venv.sh")], check=True,
                            capture_output=True, text=True).stdout.strip().splitlines()[-1]
    spec = Path(tmp) / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (compare/.venv)", "language": "python",
        "metadata": {"debugger": False},
    }))
    return Path(tmp)


def main():
    if not os.environ.get("ML_WORKFLOW_DATA"):
        shared = ROOT.parent / "shared" / "data"
        os.environ["ML_WORKFLOW_DATA"] = str(shared if (shared / "housing.csv").is_file() else ROOT / "data")
    # The Rust copies sit directly in target-lab/ (so `:dep path = ".."` is the repository),
    # the Python twins in target-lab/python/.
    (test_lab.OUT / "python").mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    sources = {}
    for name in NOTEBOOKS:
        shutil.copyfile(ROOT / "notebooks" / name, test_lab.OUT / name)
        shutil.copyfile(ROOT / "compare/python/notebooks" / name, test_lab.OUT / "python" / name)
        sources[name] = ROOT / "notebooks" / name
    rust, python = NOTEBOOKS, [f"python/{n}" for n in NOTEBOOKS]
    with tempfile.TemporaryDirectory(prefix="lab-python-kernel-") as tmp:
        with test_lab.Lab(test_lab.OUT, jupyter_path=[python_kernel_dir(tmp)]) as lab:
            results, problems = test_lab.run_notebooks(
                lab, [[p] for p in rust + python], OUT, names=sources)
    (OUT / "timings.json").write_text(json.dumps(results, indent=2) + "\n")
    by = {r["notebook"]: r for r in results}
    print()
    test_lab.print_table(results)
    print()
    cols = [("kernel_start", "kernel start"), ("run_to_first_output", "first output"),
            ("open_to_first_output", "open→1st output"), ("run_all", "whole notebook")]
    print(f"{'notebook':20} {'seconds':16}" + "".join(f"{'':2}{'Rust':>7} {'Python':>7} {'ratio':>6}" for _ in [0]))
    for name in NOTEBOOKS:
        r, p = by[name], by[f"python/{name}"]
        for key, label in cols:
            a, b = r[key], p[key]
            ratio = f"{a / b:6.1f}" if a is not None and b else "     -"
            fa = "-" if a is None else f"{a:.1f}"
            fb = "-" if b is None else f"{b:.1f}"
            print(f"{Path(name).stem:20} {label:16}  {fa:>7} {fb:>7} {ratio}")
    print(f"\n(seconds; ratio = Rust / Python; timings and screenshots in {OUT.relative_to(ROOT)}/)")
    if problems:
        sys.exit("lab_first_output: the run had problems:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    try:
        main()
    except test_lab.LabError as error:
        sys.exit(f"lab_first_output: FAILED: {error}")
