"""The seaborn half of the chart gallery: every Rust chart beside seaborn's drawing of its data.

    compare/.venv/bin/python compare/python/gallery.py OUT        # OUT defaults to gallery/out

`cargo run --example gallery -- OUT` (see `make gallery`) writes, for each chart NAME,
OUT/rust/NAME.svg, OUT/rust/NAME.png and OUT/data/NAME.json, a spec such as

    {"name": "lmplot", "kind": "lmplot", "title": "...", "x_label": "...", "y_label": "...",
     "size": [640, 480], "notebook": "01-height-weight", "data": {"x": [...], "y": [...]}}

This script draws each spec again with seaborn/matplotlib to OUT/seaborn/NAME.png, at the same
pixel size (dpi 100), and writes OUT/index.html: one row per chart, the Rust PNG on the left and
the seaborn PNG on the right, with relative links only.

The reference for how each kind is drawn is the Python twins of the notebooks
(compare/python/notebooks/): they call seaborn's and matplotlib's functions with their defaults
and no `sns.set_theme()`, so neither does this script (pass --theme to get seaborn's darkgrid
look instead). Where a spec asks for more than the twins draw (the y = x line, the zero line,
error whiskers, the annotated diverging heatmap), that is added with matplotlib's defaults.

A spec of an unknown kind, or one whose drawing fails, gets a placeholder image that says why;
the page is always written. The exit status is 1 when a known kind failed to draw, else 0.
"""

import argparse
import html
import json
import sys
import traceback
from pathlib import Path
from urllib.parse import quote

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

DPI = 100
# Above this many points a scatter uses small markers, as the twins do (plt.scatter(..., s=2)),
# so that a dense cloud still shows its shape instead of a solid blob.
DENSE = 1000
DENSE_MARKER_AREA = 4
# The lmplot twin shows an evenly spaced sample of about this many points (df.iloc[::n // 2000]).
LMPLOT_POINTS = 2000


# --- helpers ---------------------------------------------------------------------------------


def array(values):
    """A float numpy array from a JSON list (null, which serde_json writes for NaN, becomes NaN)."""
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def new_axes(spec):
    """A figure of the spec's pixel size (figsize = size / dpi) with one axes."""
    width, height = spec["size"]
    fig, ax = plt.subplots(figsize=(width / DPI, height / DPI), dpi=DPI)
    return fig, ax


def finish(fig, ax, spec):
    """Sets the spec's title and axis labels on ax, then lays the figure out tightly."""
    ax.set_title(spec.get("title", ""))
    ax.set_xlabel(spec.get("x_label", ""))
    ax.set_ylabel(spec.get("y_label", ""))
    fig.tight_layout()
    return fig


def marker_area(n):
    """Marker area for a scatter of n points: seaborn's default, or small ones for a dense cloud."""
    return DENSE_MARKER_AREA if n > DENSE else None


def scatter_points(ax, x, y):
    """seaborn's scatterplot of x against y on ax, with small markers when there are many."""
    kws = {} if marker_area(len(x)) is None else {"s": marker_area(len(x)), "linewidth": 0}
    sns.scatterplot(x=x, y=y, ax=ax, **kws)


# --- one function per kind --------------------------------------------------------------------


def draw_scatter(spec):
    """`sns.scatterplot(x, y)`."""
    fig, ax = new_axes(spec)
    scatter_points(ax, array(spec["data"]["x"]), array(spec["data"]["y"]))
    return finish(fig, ax, spec)


def draw_lmplot(spec):
    """`sns.lmplot(x, y)`'s drawing on one axes (`sns.regplot`): points, OLS line, 95 % CI band.

    As the twin notebook does, only an evenly spaced sample of about 2,000 points is drawn and
    fitted (`df.iloc[::len(df) // 2000]`). The band is seaborn's bootstrap (1,000 resamples,
    seed fixed so that reruns draw the same band).
    """
    fig, ax = new_axes(spec)
    x, y = array(spec["data"]["x"]), array(spec["data"]["y"])
    step = max(1, len(x) // LMPLOT_POINTS)
    sns.regplot(x=x[::step], y=y[::step], ax=ax, ci=95, seed=0)
    return finish(fig, ax, spec)


def draw_kde_jointplot(spec):
    """`sns.jointplot(x, y, kind="kde", fill=True, levels=10)`, resized to the spec's size.

    jointplot makes its own (square) figure; it is resized afterwards and the title is a
    suptitle above the top marginal.
    """
    x, y = array(spec["data"]["x"]), array(spec["data"]["y"])
    g = sns.jointplot(x=x, y=y, kind="kde", fill=True, levels=10)
    width, height = spec["size"]
    g.figure.set_size_inches(width / DPI, height / DPI)
    g.figure.set_dpi(DPI)
    g.set_axis_labels(spec.get("x_label", ""), spec.get("y_label", ""))
    g.figure.suptitle(spec.get("title", ""))
    g.figure.tight_layout()
    return g.figure


def draw_actual_vs_predicted(spec):
    """Actual (x) against predicted (y), the y = x line, square axes with equal limits."""
    fig, ax = new_axes(spec)
    actual, predicted = array(spec["data"]["actual"]), array(spec["data"]["predicted"])
    scatter_points(ax, actual, predicted)
    both = np.concatenate([actual, predicted])
    low, high = np.nanmin(both), np.nanmax(both)
    pad = 0.05 * (high - low or 1.0)
    ax.axline((low, low), slope=1, color="C1", linestyle="--", label="y = x")
    ax.set_xlim(low - pad, high + pad)
    ax.set_ylim(low - pad, high + pad)
    ax.set_aspect("equal", adjustable="box")
    ax.legend()
    return finish(fig, ax, spec)


def draw_residuals(spec):
    """Residual (actual − predicted) against predicted, with a dashed zero line."""
    fig, ax = new_axes(spec)
    actual, predicted = array(spec["data"]["actual"]), array(spec["data"]["predicted"])
    scatter_points(ax, predicted, actual - predicted)
    ax.axhline(0, color="C1", linestyle="--")
    return finish(fig, ax, spec)


def draw_fitted_line(spec):
    """The test points with the fitted line y = slope·x + intercept across their x range."""
    fig, ax = new_axes(spec)
    data = spec["data"]
    x, y = array(data["x"]), array(data["y"])
    scatter_points(ax, x, y)
    ends = np.array([np.nanmin(x), np.nanmax(x)])
    sign = "+" if data["intercept"] >= 0 else "\N{MINUS SIGN}"
    label = f"y = {data['slope']:.3f}·x {sign} {abs(data['intercept']):.2f}"
    ax.plot(ends, data["slope"] * ends + data["intercept"], color="C1", linewidth=2, label=label)
    ax.legend()
    return finish(fig, ax, spec)


def draw_line_chart(spec):
    """One matplotlib line per entry of data.lines (as `plt.semilogy(losses)` when log_y)."""
    fig, ax = new_axes(spec)
    lines = spec["data"]["lines"]
    for line in lines:
        ax.plot(array(line["x"]), array(line["y"]), label=line.get("name"))
    if spec["data"].get("log_y"):
        ax.set_yscale("log")
    if len(lines) > 1:
        ax.legend()
    return finish(fig, ax, spec)


def draw_bar_chart(spec):
    """Horizontal bars with ±error whiskers (`plt.barh(..., xerr=...)`), first name on top."""
    fig, ax = new_axes(spec)
    data = spec["data"]
    errors = array(data["errors"]) if data.get("errors") is not None else None
    ax.barh(data["names"], array(data["values"]), xerr=errors, color="C0", capsize=3)
    ax.invert_yaxis()
    return finish(fig, ax, spec)


def draw_feature_importances(spec):
    """Horizontal bars of the importances, sorted so that the largest is on top."""
    fig, ax = new_axes(spec)
    series = pd.Series(array(spec["data"]["values"]), index=spec["data"]["names"])
    series = series.sort_values(ascending=False)
    ax.barh(series.index, series.values, color="C0")
    ax.invert_yaxis()
    return finish(fig, ax, spec)


def draw_heatmap(spec):
    """`sns.heatmap(corr, annot=True, fmt=".2f", cmap="RdBu_r", center=0, vmin=-1, vmax=1)`.

    RdBu_r (red positive, blue negative) is the diverging map the Rust heatmap uses, so that
    the two pictures differ only in how they are drawn.
    """
    fig, ax = new_axes(spec)
    columns = spec["data"]["columns"]
    matrix = np.asarray(spec["data"]["matrix"], dtype=float)
    corr = pd.DataFrame(matrix, index=columns, columns=columns)
    sns.heatmap(corr, annot=True, fmt=".2f", cmap="RdBu_r", center=0, vmin=-1, vmax=1, ax=ax)
    return finish(fig, ax, spec)


def draw_pairplot(spec):
    """`sns.pairplot(df, hue=...)` with its defaults (scatter off the diagonal, filled KDEs on it)."""
    data = spec["data"]
    df = pd.DataFrame({name: array(values) for name, values in data["columns"].items()})
    df[data["hue_name"]] = data["hue"]
    df = df.dropna(subset=[data["hue_name"]])
    width, height = spec["size"]
    k = len(data["columns"])
    grid = sns.pairplot(df, hue=data["hue_name"], hue_order=sorted(df[data["hue_name"]].unique()),
                        height=(height / DPI - 0.5) / k, aspect=1)
    grid.figure.suptitle(data.get("title") or spec.get("title", ""), y=1.0)
    grid.figure.set_size_inches(width / DPI, height / DPI)
    return grid.figure


def draw_confusion_matrix(spec):
    """scikit-learn's `ConfusionMatrixDisplay(...).plot(cmap="Blues")`, counts or row shares."""
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = new_axes(spec)
    data = spec["data"]
    matrix = np.asarray(data["matrix"], dtype=float)
    fmt = "d"
    if data.get("normalize"):
        matrix = matrix / matrix.sum(axis=1, keepdims=True)
        fmt = ".2f"
    else:
        matrix = matrix.astype(int)
    ConfusionMatrixDisplay(matrix, display_labels=data["classes"]).plot(
        ax=ax, cmap="Blues", values_format=fmt)
    ax.set_title(spec.get("title", ""))
    return fig


def one_vs_rest(spec):
    """The curves a spec asks for: the positive class's for two classes, else each class's."""
    curves = spec["data"]["curves"]
    return curves[1:] if len(curves) == 2 else curves


def draw_roc(spec):
    """scikit-learn's `RocCurveDisplay.from_predictions` per class, with the chance line."""
    from sklearn.metrics import RocCurveDisplay

    fig, ax = new_axes(spec)
    for i, curve in enumerate(one_vs_rest(spec)):
        RocCurveDisplay.from_predictions(
            np.asarray(curve["positive"]), array(curve["score"]), name=curve["name"], ax=ax,
            curve_kwargs={"color": f"C{i}"}, plot_chance_level=(i == 0))
    ax.set_title(spec.get("title", ""))
    return fig


def draw_precision_recall(spec):
    """scikit-learn's `PrecisionRecallDisplay.from_predictions` per class (steps), with chance."""
    from sklearn.metrics import PrecisionRecallDisplay

    fig, ax = new_axes(spec)
    for i, curve in enumerate(one_vs_rest(spec)):
        PrecisionRecallDisplay.from_predictions(
            np.asarray(curve["positive"]), array(curve["score"]), name=curve["name"], ax=ax,
            color=f"C{i}", plot_chance_level=True)
    ax.set_title(spec.get("title", ""))
    return fig


def draw_placeholder(spec, message):
    """A grey image of the spec's size naming the chart and saying why it has no seaborn drawing."""
    fig, ax = new_axes(spec)
    ax.set_axis_off()
    fig.patch.set_facecolor("#eeeeee")
    text = f"{spec.get('title') or spec.get('name', '')}\n\n{message}"
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=12,
            transform=ax.transAxes)
    return fig


DRAWERS = {
    "scatter": draw_scatter,
    "lmplot": draw_lmplot,
    "kde_jointplot": draw_kde_jointplot,
    "actual_vs_predicted": draw_actual_vs_predicted,
    "residuals": draw_residuals,
    "fitted_line": draw_fitted_line,
    "line_chart": draw_line_chart,
    "bar_chart": draw_bar_chart,
    "feature_importances": draw_feature_importances,
    "heatmap": draw_heatmap,
    "pairplot": draw_pairplot,
    "confusion_matrix": draw_confusion_matrix,
    "roc": draw_roc,
    "precision_recall": draw_precision_recall,
}


# --- driver -----------------------------------------------------------------------------------


def render(spec, png):
    """Draws one spec to png; returns (status, note), status one of "ok", "unknown", "failed"."""
    drawer = DRAWERS.get(spec.get("kind"))
    status, note = "ok", ""
    if drawer is None:
        status, note = "unknown", f"no seaborn twin for kind {spec.get('kind')!r}"
        fig = draw_placeholder(spec, note)
    else:
        try:
            fig = drawer(spec)
        except Exception as error:  # one bad spec must not cost the other charts their row
            traceback.print_exc()
            status, note = "failed", f"drawing failed: {type(error).__name__}: {error}"
            plt.close("all")
            fig = draw_placeholder(spec, note)
    fig.savefig(png, dpi=DPI)
    plt.close("all")
    return status, note


def load_spec(path):
    """A spec from OUT/data/NAME.json, with defaults for the fields a page row needs."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(spec, dict):
        raise ValueError("not a JSON object")
    spec["name"] = str(spec.get("name") or path.stem)
    spec.setdefault("kind", "?")
    size = spec.get("size")
    if not (isinstance(size, list) and len(size) == 2
            and all(isinstance(v, int) and v > 0 for v in size)):
        spec["size"] = [640, 480]
    return spec


def page_order(spec):
    """Sort key of the page: the notebooks' charts by notebook, then the others; then by name."""
    notebook = str(spec.get("notebook") or "")
    return (not notebook[:1].isalnum(), notebook, spec["name"])


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Chart gallery: Rust and seaborn</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
section {{ border-top: 1px solid #ccc; padding: 0.5em 0 1.5em; }}
h2 {{ margin: 0.3em 0; font-size: 1.2em; }}
.meta {{ color: #666; font-size: 0.9em; }}
.pair {{ display: flex; gap: 24px; align-items: flex-start; overflow-x: auto; }}
figure {{ margin: 0; flex: none; }}
figcaption {{ font-size: 0.85em; color: #555; margin-bottom: 4px; }}
img {{ border: 1px solid #ddd; display: block; }}
.note {{ color: #b00; }}
</style></head><body>
<h1>Chart gallery: Rust (plotters, resvg) and seaborn {seaborn} / matplotlib {mpl}</h1>
<p>{count} charts. {toc}</p>
{rows}
</body></html>
"""

ROW = """<section id="{id}">
<h2>{title}</h2>
<div class="meta">{name} &middot; kind <code>{kind}</code> &middot; notebook {notebook} &middot;
{width}&times;{height} px &middot; <a href="rust/{file}.svg">SVG</a> &middot;
<a href="data/{file}.json">data</a>{note}</div>
<div class="pair">
<figure><figcaption>Rust</figcaption>{rust}</figure>
<figure><figcaption>seaborn</figcaption>
<img src="seaborn/{file}.png" {dims} alt="seaborn: {title}"></figure>
</div></section>"""


def page_row(out, spec, status, note):
    """One chart's section of index.html; says so when the Rust PNG is missing."""
    name = spec["name"]
    esc = html.escape
    file = esc(quote(name))
    width, height = spec["size"]
    dims = f'width="{width}" height="{height}"'  # both PNGs are this size; no reflow on load
    rust_png = out / "rust" / f"{name}.png"
    if rust_png.exists():
        alt = esc(spec.get("title") or name)
        rust = f'<img src="rust/{file}.png" {dims} alt="Rust: {alt}">'
    else:
        rust = '<p class="note">no rust/{}.png</p>'.format(esc(name))
    note_html = f' &middot; <span class="note">{esc(note)}</span>' if status != "ok" else ""
    return ROW.format(
        id=esc(name), title=esc(spec.get("title") or name), name=esc(name),
        kind=esc(spec["kind"]), notebook=esc(str(spec.get("notebook", "?"))),
        width=width, height=height, dims=dims, file=file, note=note_html, rust=rust,
    )


def main():
    """Draws every OUT/data/*.json to OUT/seaborn/*.png and writes OUT/index.html."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="gallery/out", type=Path,
                        help="the gallery folder (default gallery/out)")
    parser.add_argument("--theme", action="store_true", help="apply sns.set_theme() (darkgrid)")
    args = parser.parse_args()
    out = args.out
    if args.theme:
        sns.set_theme()
    specs = sorted(out.glob("data/*.json"))
    if not specs:
        sys.exit(f"gallery.py: no specs in {out / 'data'}; run the Rust side first (make gallery)")
    (out / "seaborn").mkdir(exist_ok=True)

    entries, failed = [], 0
    for path in specs:
        try:
            spec = load_spec(path)
        except (OSError, ValueError) as error:
            spec = {"name": path.stem, "kind": "?", "size": [640, 480], "title": path.name}
            status, note = "failed", f"unreadable spec: {error}"
            draw_placeholder(spec, note).savefig(out / "seaborn" / f"{path.stem}.png", dpi=DPI)
            plt.close("all")
        else:
            status, note = render(spec, out / "seaborn" / f"{spec['name']}.png")
        failed += status == "failed"
        print(f"{spec['name']}: {spec['kind']} {status} {note}".rstrip(), file=sys.stderr)
        entries.append((spec, status, note))

    entries.sort(key=lambda entry: page_order(entry[0]))
    rows = [page_row(out, *entry) for entry in entries]
    names = [html.escape(spec["name"]) for spec, _, _ in entries]
    toc = " &middot; ".join(f'<a href="#{name}">{name}</a>' for name in names)
    index = out / "index.html"
    page = PAGE.format(seaborn=sns.__version__, mpl=matplotlib.__version__, count=len(entries),
                       toc=toc, rows="\n".join(rows))
    index.write_text(page, encoding="utf-8")
    print(f"gallery.py: {len(entries)} charts, {failed} failed: {index}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
