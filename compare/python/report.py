"""Tables for compare/grid_search.sh and compare/serve.sh (standard library only).

  report.py grid --py PY.json --rs RUN1.json [RUN2.json ...] --walls W1 [W2 ...]
  report.py wrk-parse WRK_OUTPUT.txt            -> JSON {"rps", "p50_ms", "p99_ms", ...}
  report.py wrk --py PY.json --rs RS.json       -> table (either may be missing)
  report.py predictions PY_RESPONSE RS_RESPONSE -> prints both predictions
"""

import argparse
import json
import re
import sys


def load_json_output(path):
    """A JSON object from a command's stdout: the whole text, else its last '{' line."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    sys.exit(f"report.py: no JSON object in {path}:\n{text[:2000]}")


def fmt(x, spec, width=0):
    """format(x, spec) right-aligned in width; '-' for a missing value."""
    return f"{'-' if x is None else format(x, spec):>{width}}"


def rust_cv_table(run):
    """{n_estimators: (mean_mse, std_mse)} from ml-workflow's 'cv' list."""
    table = {}
    for row in run.get("cv", []):
        n = int(row["params"]["n_estimators"])
        table[n] = (float(row["mean_mse"]), row.get("std_mse"))
    return table


def cmd_grid(args):
    py = load_json_output(args.py) if args.py else None
    runs = [load_json_output(p) for p in (args.rs or [])]
    walls = [float(w) for w in (args.walls or [])]

    py_s = py["seconds"] if py else None
    rs_cv_all = []
    for r in runs:
        try:
            rs_cv_all.append(float(r["seconds"]["cv"]))
        except (KeyError, TypeError, ValueError):
            sys.exit(f"report.py: ml-workflow JSON lacks seconds.cv: {json.dumps(r)[:500]}")
    rs_cv = min(rs_cv_all) if rs_cv_all else None
    rs_wall = min(walls) if walls else None
    best_run = runs[rs_cv_all.index(rs_cv)] if runs else None

    print()
    print("Grid search: GradientBoostingRegressor(random_state=7), n_estimators 50..400 step 50,")
    print("KFold(10), neg MSE, on the scaled 80% training split (train_test_split random_state=7)")
    print()
    print(f"{'side':<36}{'seconds':>10}  runs")
    if py:
        runs_txt = ", ".join(f"{s:.2f}" for s in py["runs"])
        print(f"{'scikit-learn ' + py.get('sklearn', '') + ' GridSearchCV.fit':<36}"
              f"{py_s:>10.3f}  min of [{runs_txt}]")
    if runs:
        print(f"{'ml-workflow grid (seconds.cv)':<36}{rs_cv:>10.3f}  min of "
              f"[{', '.join(f'{s:.2f}' for s in rs_cv_all)}]")
        print(f"{'ml-workflow whole process (wall)':<36}{rs_wall:>10.3f}  min of "
              f"[{', '.join(f'{s:.2f}' for s in walls)}]")
    if py and runs:
        print()
        print(f"speed-up, scikit-learn / ml-workflow grid:    {py_s / rs_cv:8.2f}x")
        print(f"speed-up, scikit-learn / ml-workflow process: {py_s / rs_wall:8.2f}x")

    print()
    py_best = py["best"] if py else None
    rs_best = None
    if best_run is not None:
        try:
            rs_best = int(best_run["best"]["n_estimators"])
        except (KeyError, TypeError, ValueError):
            rs_best = None
    print(f"best n_estimators: scikit-learn {fmt(py_best, 'd')}, ml-workflow {fmt(rs_best, 'd')}")
    print()
    py_tab = dict(zip(py["n_estimators"], zip(py["mean_mse"], py["std_mse"]))) if py else {}
    rs_tab = rust_cv_table(best_run) if best_run is not None else {}
    if not (py and runs):  # one side only: its own column, with the spread across folds
        side, tab, best = ("scikit-learn", py_tab, py_best) if py else ("ml-workflow", rs_tab, rs_best)
        print(f"{'n_estimators':>12}  {side + ' mean MSE':>24}  {'std':>8}")
        for n in sorted(tab):
            mean, std = tab[n]
            mark = " *" if best == n else "  "
            print(f"{n:>12}  {fmt(mean, '.4f', 22)}{mark}  {fmt(std, '.4f', 8)}")
        print("(* = best)")
        return
    print(f"{'n_estimators':>12}  {'sklearn mean MSE':>16}  {'ml-workflow mean MSE':>20}  {'diff':>8}")
    for n in sorted(set(py_tab) | set(rs_tab)):
        p = py_tab.get(n, (None, None))[0]
        r = rs_tab.get(n, (None, None))[0]
        d = (r - p) if (p is not None and r is not None) else None
        py_mark = " *" if py_best == n else "  "
        rs_mark = " *" if rs_best == n else "  "
        print(f"{n:>12}  {fmt(p, '.4f', 14)}{py_mark}  {fmt(r, '.4f', 18)}{rs_mark}  {fmt(d, '+.4f', 8)}")
    print("(* = best of its side)")


UNITS_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"unparsable latency {text!r}")
    return float(m.group(1)) * UNITS_MS[m.group(2)]


def parse_wrk(text):
    out = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": None,
           "non_2xx": 0, "socket_errors": None}
    m = re.search(r"^Requests/sec:\s*([\d.]+)", text, re.M)
    if m:
        out["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(rf"^\s*{pct}(?:\.0+)?%\s+(\S+)", text, re.M)
        if m:
            out[key] = to_ms(m.group(1))
    m = re.search(r"^\s*(\d+) requests in", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if m:
        out["non_2xx"] = int(m.group(1))
    m = re.search(r"Socket errors:\s*(.*)", text)
    if m:
        out["socket_errors"] = m.group(1).strip()
    return out


def cmd_wrk_parse(args):
    with open(args.file, encoding="utf-8") as f:
        text = f.read()
    res = parse_wrk(text)
    if res["rps"] is None or res["p50_ms"] is None or res["p99_ms"] is None:
        sys.exit(f"report.py: could not parse wrk output {args.file}:\n{text}")
    print(json.dumps(res))


def cmd_wrk(args):
    rows = []
    if args.py:
        rows.append(("gunicorn+Flask (2 sync workers)", load_json_output(args.py)))
    rust = []
    for item in args.rs or []:
        threads, _, path = item.partition(":")
        if not path:
            sys.exit(f"report.py: --rs takes THREADS:FILE, got {item!r}")
        rust.append((f"ml-workflow serve --threads {threads}", load_json_output(path)))
    for label, r in rust:
        rows.append((label, r))
        for item in args.routes or []:
            threads, _, rest = item.partition(":")
            route, _, path = rest.rpartition(":")
            if not (route and path):
                sys.exit(f"report.py: --routes takes THREADS:ROUTE:FILE, got {item!r}")
            if label == f"ml-workflow serve --threads {threads}":
                rows.append((f"  same server, POST {route}", load_json_output(path)))
    print()
    width = max(34, *(len(label) + 1 for label, _ in rows))
    print(f"{'server':<{width}}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}{'non-2xx':>9}")
    for label, r in rows:
        print(f"{label:<{width}}{r['rps']:>12.1f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
              f"{fmt(r['requests'], 'd', 10)}{r['non_2xx']:>9}")
        if r["non_2xx"]:
            print(f"  WARNING: {label} answered {r['non_2xx']} requests with a non-2xx status")
    for label, r in rows:
        if r.get("socket_errors"):
            print(f"  {label}: socket errors: {r['socket_errors']}")
    if args.py and rust:
        py = rows[0][1]
        print()
        for label, rs in rust:
            if not (py["rps"] and rs["p50_ms"]):
                print(f"{label}: no ratio (a side answered nothing)")
                continue
            print(f"{label}: {rs['rps'] / py['rps']:.1f}x gunicorn's throughput, "
                  f"p50 {py['p50_ms'] / rs['p50_ms']:.1f}x lower, p99 {rs['p99_ms']:.2f} ms")


def prediction_of(path):
    body = load_json_output(path)
    pred = body.get("prediction") if isinstance(body, dict) else None
    if not isinstance(pred, list) or not pred:
        sys.exit(f"report.py: no 'prediction' list in response {path}: {json.dumps(body)[:500]}")
    return [float(v) for v in pred]


def cmd_predictions(args):
    for label, path in (("gunicorn+Flask", args.py), ("ml-workflow", args.rs)):
        if path:
            pred = prediction_of(path)
            note = "" if abs(pred[0] - 25.0) < 3.0 else "  WARNING: far from the expected ~25.0"
            print(f"{label:<16} prediction for the chapter's payload: {pred}{note}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("grid")
    g.add_argument("--py")
    g.add_argument("--rs", nargs="*")
    g.add_argument("--walls", nargs="*")
    g.set_defaults(fn=cmd_grid)
    wp = sub.add_parser("wrk-parse")
    wp.add_argument("file")
    wp.set_defaults(fn=cmd_wrk_parse)
    w = sub.add_parser("wrk")
    w.add_argument("--py")
    w.add_argument("--rs", nargs="*", help="THREADS:FILE per ml-workflow run")
    w.add_argument("--routes", nargs="*", help="THREADS:ROUTE:FILE for the other protocols' routes")
    w.set_defaults(fn=cmd_wrk)
    p = sub.add_parser("predictions")
    p.add_argument("--py")
    p.add_argument("--rs")
    p.set_defaults(fn=cmd_predictions)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
