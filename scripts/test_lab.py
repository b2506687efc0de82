#!/usr/bin/env python3
"""The notebooks in a real JupyterLab, driven by a browser (Playwright + Debian's Chromium).

Copies notebooks/*.ipynb into target-lab/ (git-ignored; its parent is the repository root, so
the notebooks' `:dep ... path = ".."` and `../models/` still resolve), starts JupyterLab from the
project venv on 127.0.0.1 with a throwaway config, settings and runtime folder, opens
01-height-weight and 02-boston-housing side by side in one page and runs both at once (two live
kernels, each in its own evcxr build folder), then 03-your-own-data. For each notebook it clears
the outputs, runs all cells and fails unless every code cell ran with no error and no stderr,
every chart (image/svg+xml) and table (text/html with a <table>) rendered with a non-zero size,
and their counts match the committed outputs. It saves screenshots (the whole notebook, each
chart) and the timings (kernel start, time to the first output, per cell) under target-lab/.

    .venv/bin/python scripts/test_lab.py                   # 'make test-lab' (part of 'make test')
    .venv/bin/python scripts/test_lab.py --sequential notebooks/01-height-weight.ipynb

Environment: ML_WORKFLOW_DATA (the datasets), JUPYTER_PATH (the venv's share/jupyter by
default: the Rust kernelspec), CHROMIUM (/usr/bin/chromium), LAB_TIMEOUT (seconds per notebook,
900), LAB_HEADED=1 (show the browser). compare/lab_first_output.py imports this module.
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "target-lab"
VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
if not VENV.is_absolute():
    VENV = ROOT / VENV
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NOTEBOOK_TIMEOUT = float(os.environ.get("LAB_TIMEOUT", "900"))
CONCURRENT = ["01-height-weight.ipynb", "02-boston-housing.ipynb"]
THEN = ["03-your-own-data.ipynb", "04-classification.ipynb"]

# JupyterLab's user settings for the run: timing in the cells' metadata, every cell rendered
# (no windowing: charts below the fold have a real size), no news/update popup, no autosave.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"recordTiming": True, "windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
}
SVG = "image/svg+xml"
STDERR = "application/vnd.jupyter.stderr"


class LabError(Exception):
    """A failed check: main() prints its message and exits 1."""


def log(message):
    print(f"test_lab: {message}", file=sys.stderr, flush=True)


def wait_until(what, predicate, timeout, interval=0.5):
    """Calls predicate() until it returns a truthy value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise LabError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_outputs(path):
    """What the committed notebook shows: code cells, charts (SVG) and tables (HTML <table>)."""
    cells = [c for c in json.loads(Path(path).read_text())["cells"] if c["cell_type"] == "code"]
    charts = tables = 0
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            charts += SVG in data
            html = data.get("text/html", "")
            tables += "<table" in ("".join(html) if isinstance(html, list) else html)
    return {"code_cells": len(cells), "charts": charts, "tables": tables,
            "has_outputs": any(c.get("outputs") for c in cells)}


# --- the page side: JupyterLab's own objects (window.jupyterapp, exposed by the server flag) ----

PAGE_JS = r"""
() => {
  if (window.__lab) return;
  const now = () => performance.now();
  const app = window.jupyterapp;
  const panels = {};   // path -> NotebookPanel
  const recs = {};     // path -> serialisable timing record
  const codeCells = (p) => p.content.widgets.filter((c) => c.model.type === 'code');
  window.__lab = {
    async open(path) {
      const t0 = now();
      const rec = {path, opened: t0, firstIdle: null, statuses: [], runStart: null,
                   firstOutput: null, cells: []};
      recs[path] = rec;
      const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
      panels[path] = panel;
      rec.id = panel.id;
      const onStatus = () => {
        const s = panel.sessionContext.session?.kernel?.status ?? 'none';
        const last = rec.statuses[rec.statuses.length - 1];
        if (!last || last[1] !== s) rec.statuses.push([now(), s]);
        if (s === 'idle' && rec.firstIdle === null) rec.firstIdle = now();
      };
      panel.sessionContext.statusChanged.connect(onStatus);
      panel.sessionContext.kernelChanged.connect(onStatus);
      onStatus();
      await panel.context.ready;
      return panel.id;
    },
    kernelStatus(path) {
      return panels[path].sessionContext.session?.kernel?.status ?? 'none';
    },
    // Clears every output, then runs all cells; timestamps the first output of every cell
    // and the moment each cell gets its execution count.
    async runAll(path) {
      const panel = panels[path], rec = recs[path];
      await app.commands.execute('notebook:clear-all-cell-outputs', {widgetId: panel.id, activate: false});
      rec.cells = codeCells(panel).map((c, i) => ({index: i, firstOutput: null, counted: null}));
      codeCells(panel).forEach((cell, i) => {
        cell.model.outputs.changed.connect(() => {
          if (cell.model.outputs.length > 0 && rec.cells[i].firstOutput === null) {
            rec.cells[i].firstOutput = now();
            if (rec.firstOutput === null) rec.firstOutput = now();
          }
        });
        cell.model.stateChanged.connect((_, change) => {
          if (change.name === 'executionCount' && change.newValue !== null && rec.cells[i].counted === null)
            rec.cells[i].counted = now();
        });
      });
      rec.runStart = now();
      app.commands.execute('notebook:run-all-cells', {widgetId: panel.id, activate: false});
      return true;
    },
    // Where the run is: done when the kernel is idle and no cell is queued or running.
    progress(path) {
      const panel = panels[path];
      const cells = codeCells(panel).map((c, i) => ({
        index: i,
        count: c.model.executionCount,
        state: c.model.executionState ?? null,
        head: c.model.sharedModel.getSource().split('\n')[0].slice(0, 70),
      }));
      const running = cells.filter((c) => c.state === 'running');
      return {kernel: this.kernelStatus(path), cells, running: running.map((c) => c.index)};
    },
    // The cells' outputs as the model has them (for errors and stderr) and their timing metadata.
    report(path) {
      const panel = panels[path];
      return codeCells(panel).map((c, i) => ({
        index: i,
        head: c.model.sharedModel.getSource().split('\n')[0].slice(0, 70),
        count: c.model.executionCount,
        outputs: c.model.outputs.toJSON().map((o) => ({
          type: o.output_type, name: o.name ?? null, mimes: Object.keys(o.data ?? {}),
          text: (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` :
                 o.output_type === 'stream' ? [].concat(o.text).join('') : '').slice(0, 500),
        })),
        execution: c.model.getMetadata('execution') ?? null,
      }));
    },
    timing(path) { return recs[path]; },
    now,
    async activate(path) { app.shell.activateById(panels[path].id); },
    async save(path) { await panels[path].context.save(); },
    async shutdown(path) { await panels[path].sessionContext.shutdown(); },
    nodeId(path) { return panels[path].id; },
  };
}
"""


class Lab:
    """A JupyterLab server on 127.0.0.1 (throwaway config) and a Chromium page on it."""

    def __init__(self, root_dir, jupyter_path=(), headed=False):
        self.root_dir = Path(root_dir)
        self.jupyter_path = [str(p) for p in jupyter_path] + [str(VENV / "share" / "jupyter")]
        self.headed = headed
        self.tmp = None
        self.server = None
        self.browser = None
        self.playwright = None
        self.page = None
        self.log_file = None

    # - start / stop -

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _start(self):
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise LabError(f"no {CHROMIUM}: run scripts/ensure_chromium.sh")
        self.tmp = Path(tempfile.mkdtemp(prefix="test-lab-"))
        settings = self.tmp / "settings"
        for plugin, values in LAB_SETTINGS.items():
            f = settings / f"{plugin}.jupyterlab-settings"
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(values))
        for d in ("config", "data", "runtime", "workspaces"):
            (self.tmp / d).mkdir()
        env = dict(os.environ)
        env.update({
            "JUPYTER_PATH": os.pathsep.join(self.jupyter_path),
            "JUPYTER_CONFIG_DIR": str(self.tmp / "config"),
            "JUPYTER_DATA_DIR": str(self.tmp / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.tmp / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.tmp / "workspaces"),
            "JUPYTER_PLATFORM_DIRS": "1",
        })
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "jupyter-lab.log"
        self.log_file = open(self.log_path, "w")
        self.server = subprocess.Popen(
            [str(VENV / "bin" / "jupyter"), "lab", "--no-browser", f"--port={self.port}",
             "--ip=127.0.0.1", f"--IdentityProvider.token={self.token}", "--ServerApp.port_retries=0",
             f"--ServerApp.root_dir={self.root_dir}", "--LabApp.expose_app_in_browser=True",
             "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=self.root_dir, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until("JupyterLab to answer on " + self.url, self._answers, 120)
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=not self.headed,
            args=["--no-sandbox"] if os.geteuid() == 0 else [])
        self.page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(60_000)
        self.page.goto(f"{self.url}/lab?token={self.token}&reset", wait_until="domcontentloaded")
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.commands.hasCommand('notebook:run-all-cells')",
            timeout=120_000)
        self.page.evaluate("() => window.jupyterapp.restored")
        self.page.evaluate(PAGE_JS)

    def _answers(self):
        if self.server.poll() is not None:
            raise LabError(f"jupyter lab exited ({self.server.returncode}):\n{self.server_log()}")
        try:
            with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def server_log(self, tail=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-tail:])
        except (OSError, AttributeError):
            return ""

    def close(self):
        for step in (lambda: self.browser and self.browser.close(),
                     lambda: self.playwright and self.playwright.stop()):
            with contextlib.suppress(Exception):
                step()
        if self.server and self.server.poll() is None:
            # SIGTERM: the server shuts its kernels down; then the whole process group.
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.server.pid, 9)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.server.wait(timeout=10)
        if self.log_file:
            self.log_file.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # - notebooks -

    def js(self, name, *args):
        return self.page.evaluate(f"(a) => window.__lab.{name}(...a)", list(args))

    def open(self, path):
        """Opens a notebook (its kernel starts); returns at once."""
        self.js("open", path)

    def wait_kernel_idle(self, path, timeout=600):
        wait_until(f"the kernel of {path} to start (idle)",
                   lambda: self.js("timing", path)["firstIdle"] is not None, timeout)

    def run_all(self, path):
        self.js("runAll", path)

    def wait_done(self, path, deadline):
        """Waits until every code cell of `path` has run; fails naming the cell otherwise."""
        last = None
        while True:
            p = self.js("progress", path)
            last = p
            pending = [c for c in p["cells"] if c["count"] is None]
            if p["kernel"] == "idle" and not p["running"]:
                # Settled: all ran, or the run stopped at an error (later cells never run).
                time.sleep(1.0)  # late output (evcxr's stderr thread) and a last status change
                p = self.js("progress", path)
                if p["kernel"] == "idle" and not p["running"]:
                    pending = [c for c in p["cells"] if c["count"] is None]
                    if pending:
                        c = pending[0]
                        raise LabError(f"{path}: code cell {c['index'] + 1} ({c['head']!r}) never ran "
                                       f"(the run stopped; see the errors below)\n" + self.errors_text(path))
                    return
            if p["kernel"] in ("dead", "unknown") and time.monotonic() > deadline - NOTEBOOK_TIMEOUT + 60:
                raise LabError(f"{path}: the kernel is {p['kernel']}\n{self.server_log()}")
            if time.monotonic() > deadline:
                running = [c for c in last["cells"] if c["index"] in last["running"]] or pending
                where = (f"cell {running[0]['index'] + 1} ({running[0]['head']!r})" if running
                         else "no cell")
                raise LabError(f"{path}: not done after {NOTEBOOK_TIMEOUT:.0f} s; still running: {where}; "
                               f"kernel {last['kernel']}")
            time.sleep(1.0)

    def errors_text(self, path):
        lines = []
        for cell in self.js("report", path):
            for o in cell["outputs"]:
                if o["type"] == "error" or (o["type"] == "stream" and o["name"] == "stderr"):
                    lines.append(f"  cell {cell['index'] + 1} ({cell['head']!r}): {o['type']} {o['text'].strip()[:300]}")
        return "\n".join(lines)

    def check(self, path, expected, shots):
        """The run's outputs, model and page: ran, no error or stderr, charts and tables drawn."""
        problems = []
        report = self.js("report", path)
        for cell in report:
            where = f"cell {cell['index'] + 1} ({cell['head']!r})"
            if cell["count"] is None:
                problems.append(f"{where} has no execution count")
            for o in cell["outputs"]:
                if o["type"] == "error":
                    problems.append(f"{where} has an error output: {o['text'].strip()[:300]}")
                elif o["type"] == "stream" and o["name"] == "stderr":
                    problems.append(f"{where} wrote to stderr: {o['text'].strip()[:300]}")
        if expected and len(report) != expected["code_cells"]:
            problems.append(f"{len(report)} code cells, the committed notebook has {expected['code_cells']}")
        node = self.page.locator(f"#{self.js('nodeId', path)}")
        self.js("activate", path)
        stderr_nodes = node.locator(f'.jp-OutputArea-output[data-mime-type="{STDERR}"]').count()
        if stderr_nodes:
            problems.append(f"{stderr_nodes} stderr/error output(s) rendered in the page")
        # JupyterLab 4 draws an SVG output as an <img> with a data: URL (or an inline <svg>).
        charts = node.locator(f'.jp-OutputArea-output[data-mime-type="{SVG}"]')
        tables = node.locator('.jp-OutputArea-output[data-mime-type="text/html"]:has(table)')
        n_charts, n_tables = charts.count(), tables.count()
        shots.mkdir(parents=True, exist_ok=True)
        for i in range(n_charts):
            chart = charts.nth(i)
            drawn = chart.locator("img, svg").first
            if drawn.count() == 0:
                problems.append(f"chart {i + 1}: no <img> or <svg> in its output")
                continue
            drawn.scroll_into_view_if_needed()
            box = drawn.bounding_box()
            ok = drawn.evaluate("e => e.tagName.toLowerCase() === 'svg' || (e.complete && e.naturalWidth > 0)")
            if not ok or not box or box["width"] <= 0 or box["height"] <= 0:
                problems.append(f"chart {i + 1} did not render (box {box}, decoded {ok})")
            else:
                drawn.screenshot(path=str(shots / f"chart-{i + 1:02d}.png"))
        for i in range(n_tables):
            box = tables.nth(i).locator("table").first.bounding_box()
            if not box or box["width"] <= 0 or box["height"] <= 0:
                problems.append(f"table {i + 1} has no size (box {box})")
        if expected and expected["has_outputs"]:
            if n_charts != expected["charts"]:
                problems.append(f"{n_charts} charts, the committed notebook has {expected['charts']}")
            if n_tables != expected["tables"]:
                problems.append(f"{n_tables} tables, the committed notebook has {expected['tables']}")
        self.screenshot_notebook(path, shots / "notebook.png")
        return {"charts": n_charts, "tables": n_tables, "code_cells": len(report)}, problems

    def screenshot_notebook(self, path, target):
        """The whole notebook: a viewport as tall as the notebook (JupyterLab scrolls inside)."""
        self.js("activate", path)
        node = f"#{self.js('nodeId', path)}"
        height = self.page.evaluate(
            "(sel) => { const s = document.querySelector(sel + ' .jp-WindowedPanel-outer')"
            " || document.querySelector(sel + ' .jp-Notebook'); return s ? s.scrollHeight : 1000; }", node)
        old = self.page.viewport_size
        self.page.set_viewport_size({"width": old["width"], "height": min(int(height) + 200, 30000)})
        try:
            self.page.evaluate(
                "(sel) => { window.jupyterapp.shell.collapseLeft();"
                " for (const s of document.querySelectorAll(sel + ' .jp-WindowedPanel-outer')) s.scrollTop = 0; }",
                node)
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=str(target), full_page=True)
        finally:
            self.page.set_viewport_size(old)

    def timings(self, path):
        """Seconds: kernel start, time to the first output, whole run, and each cell."""
        rec, report = self.js("timing", path), self.js("report", path)
        ms = lambda a, b: None if a is None or b is None else round((b - a) / 1000, 2)  # noqa: E731
        cells, prev = [], rec["runStart"]
        for c, r in zip(rec["cells"], report):
            ex = r.get("execution") or {}
            kernel_side = None
            if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
                from datetime import datetime
                a, b = (datetime.fromisoformat(ex[k].replace("Z", "+00:00"))
                        for k in ("iopub.execute_input", "shell.execute_reply"))
                kernel_side = round((b - a).total_seconds(), 2)
            cells.append({"cell": c["index"] + 1, "head": r["head"], "seconds": ms(prev, c["counted"]),
                          "kernel_seconds": kernel_side})
            prev = c["counted"] if c["counted"] is not None else prev
        done = max((c["counted"] for c in rec["cells"] if c["counted"] is not None), default=None)
        return {
            "notebook": path,
            "kernel_start": ms(rec["opened"], rec["firstIdle"]),
            "run_to_first_output": ms(rec["runStart"], rec["firstOutput"]),
            "open_to_first_output": ms(rec["opened"], rec["firstOutput"]),
            "run_all": ms(rec["runStart"], done),
            "open_to_done": ms(rec["opened"], done),
            "cells": cells,
            "statuses": [[ms(rec["opened"], t), s] for t, s in rec["statuses"]],
        }


def busy_overlap(a, b):
    """Seconds during which both notebooks' kernels were busy (from their status timelines)."""
    def spans(t):
        out, start = [], None
        for at, status in t["statuses"]:
            at = at + t["_opened_offset"]
            if status == "busy" and start is None:
                start = at
            elif status != "busy" and start is not None:
                out.append((start, at))
                start = None
        return out
    return round(sum(max(0.0, min(e1, e2) - max(s1, s2))
                     for s1, e1 in spans(a) for s2, e2 in spans(b)), 1)


def run_notebooks(lab, groups, out_dir, expect=True, names=None):
    """Runs each group of notebooks (paths relative to lab.root_dir) at once, group after group;
    checks them and returns (timings, problems). A group's notebooks share the page: all are
    opened, then all run together. Kernels of a finished group are shut down before the next
    (each holds an evcxr build folder)."""
    results, problems = [], []
    for group in groups:
        for path in group:
            log(f"opening {path}")
            lab.open(path)
        for path in group:
            lab.wait_kernel_idle(path, timeout=600)
            log(f"{path}: kernel idle after {lab.timings(path)['kernel_start']} s; clearing outputs, run all")
            lab.run_all(path)
        for path in group:
            lab.wait_done(path, time.monotonic() + NOTEBOOK_TIMEOUT)
            log(f"{path}: every cell ran")
        for path in group:
            source = (names or {}).get(path)
            expected = expected_outputs(source) if expect and source else None
            stem = path.removesuffix(".ipynb").replace("/", "-")
            counts, found = lab.check(path, expected, out_dir / stem)
            problems += [f"{path}: {p}" for p in found]
            t = lab.timings(path)
            t["_opened_offset"] = lab.js("timing", path)["opened"] / 1000
            t.update(counts)
            results.append(t)
            with contextlib.suppress(Exception):
                lab.js("save", path)
        if len(group) > 1:
            overlap = busy_overlap(*[r for r in results if r["notebook"] in group][:2])
            log(f"{' and '.join(group)}: kernels busy at the same time for {overlap} s")
            for r in results:
                if r["notebook"] in group:
                    r["busy_together_seconds"] = overlap
        for path in group:
            with contextlib.suppress(Exception):
                lab.js("shutdown", path)
    for r in results:
        r.pop("_opened_offset", None)
    return results, problems


def print_table(results, file=sys.stdout):
    def f(v):
        return "-" if v is None else f"{v:.1f}"
    print(f"{'notebook':28} {'kernel start':>12} {'1st output':>10} {'run all':>8} {'charts':>6} {'tables':>6}", file=file)
    for r in results:
        print(f"{r['notebook'].removesuffix('.ipynb'):28} {f(r['kernel_start']):>12} {f(r['run_to_first_output']):>10} "
              f"{f(r['run_all']):>8} {r.get('charts', '-'):>6} {r.get('tables', '-'):>6}", file=file)
    print("\nper cell (seconds from the previous cell's reply, or from run all, to this cell's reply)", file=file)
    for r in results:
        cells = "  ".join(f"{c['cell']}:{f(c['seconds'])}" for c in r["cells"])
        print(f"{r['notebook'].removesuffix('.ipynb'):28} {cells}", file=file)


def prepare(notebooks, out_dir):
    """Copies the notebooks into out_dir (a direct child of the repository root)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copyfile(nb, out_dir / nb.name)
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(out_dir / nb.stem)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run one after the other (default: 01 and 02 at once, then 03)")
    parser.add_argument("--sequential", action="store_true", help="never two notebooks at once")
    args = parser.parse_args()
    if not os.environ.get("ML_WORKFLOW_DATA"):
        log("ML_WORKFLOW_DATA is not set: the crate uses its own data cache")
    if args.notebooks:
        names = [p.resolve() for p in args.notebooks]
        groups = [[p.name] for p in names]
    else:
        names = [ROOT / "notebooks" / n for n in CONCURRENT + THEN]
        groups = [[n] for n in CONCURRENT + THEN] if args.sequential else [CONCURRENT, THEN]
    missing = [str(p) for p in names if not p.is_file()]
    if missing:
        sys.exit(f"test_lab: no such notebook: {', '.join(missing)}")
    prepare(names, OUT)
    started = time.monotonic()
    with Lab(OUT, headed=bool(os.environ.get("LAB_HEADED"))) as lab:
        try:
            results, problems = run_notebooks(lab, groups, OUT, names={p.name: p for p in names})
        except LabError as error:
            lab.page.screenshot(path=str(OUT / "failure.png"))
            raise LabError(f"{error}\n(screenshot: {OUT / 'failure.png'}; JupyterLab's log:)\n{lab.server_log(20)}")
    (OUT / "timings.json").write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nscreenshots and timings.json in {OUT.relative_to(ROOT)}/ ({time.monotonic() - started:.0f} s in all)")
    if problems:
        raise LabError("\n  ".join(["the notebooks in JupyterLab:"] + problems))
    print(f"test_lab: {len(results)} notebooks ran in JupyterLab, every check passed")


if __name__ == "__main__":
    try:
        main()
    except LabError as error:
        sys.exit(f"test_lab: FAILED: {error}")
