"""The two pieces the dashboard draws by the hundred: a figure's drill link and a stacked SVG bar.

They are plain functions (template globals, used by templates/dashboard/_charts.html) rather than
Jinja macros: a page draws about 200 of them, and a macro call costs several times a format
string, which made them a third of the page's time."""
from markupsafe import Markup, escape

COLORS = {"on_time": "#2e7d32", "late": "#e08a00", "pending": "#c9ced6", "reviewed": "#1f5fa8",
          "dat": "#2e7d32", "mot_phan": "#e08a00", "chua_dat": "#c62828", "none": "#c9ced6",
          "open": "#c62828", "settled": "#2e7d32", "bar": "#1f5fa8", "prev": "#9aa7b8"}


def drill_link(url, text, label=None) -> Markup:
    """A link that loads the list behind a figure (htmx; the target is set once on the grid).
    `label` says what a bare number counts; the visible text stays part of the link's name, so
    speech-control users can say what they see."""
    url, text = escape(url), escape(text)
    named = f' aria-label="{escape(label)}: {text}"' if label else ""
    return Markup(f'<a href="{url}" hx-get="{url}"{named}>{text}</a>')


def stacked_bar(parts, total, label, class_="") -> Markup:
    """One bar: parts = [(key, value)], each drawn in COLORS[key], scaled to `total`."""
    rects, x = [], 0.0
    for key, value in parts:
        if value and total:
            width = 100 * value / total
            rects.append(f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="10" fill="{COLORS[key]}">'
                         f'<title>{escape(value)}</title></rect>')
            x += width
    classes = f"chart-bar {escape(class_)}" if class_ else "chart-bar"
    return Markup(f'<svg class="{classes}" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
                  f'aria-label="{escape(label)}"><rect x="0" y="0" width="100" height="10" fill="#eef1f5"/>'
                  + "".join(rects) + "</svg>")


def register(bp) -> None:
    bp.add_app_template_global(drill_link, "chart_drill_link")
    bp.add_app_template_global(stacked_bar, "chart_bar")
    bp.add_app_template_global(COLORS, "chart_colors")
