"""The dashboard's bar and figure link (portal/dashboard/charts.py), written by Python."""
import re

from portal.dashboard.charts import drill_link, stacked_bar


def test_drill_link_escapes_and_names_a_bare_number():
    html = drill_link('/bang-dieu-khien/chi-tiet?loai=bao-cao&nhan="x"', 7, 'Văn phòng <HĐND>')
    assert html == ('<a href="/bang-dieu-khien/chi-tiet?loai=bao-cao&amp;nhan=&#34;x&#34;" '
                    'hx-get="/bang-dieu-khien/chi-tiet?loai=bao-cao&amp;nhan=&#34;x&#34;" '
                    'aria-label="Văn phòng &lt;HĐND&gt;: 7">7</a>')
    assert drill_link("/a", "Lĩnh vực <1>") == '<a href="/a" hx-get="/a">Lĩnh vực &lt;1&gt;</a>'


def test_stacked_bar_scales_its_parts_to_the_total():
    html = stacked_bar([("on_time", 3), ("late", 1), ("pending", 0)], 8, 'Cải cách "TTHC": 4/8', class_="thin")
    assert html.startswith('<svg class="chart-bar thin"') and 'aria-label="Cải cách &#34;TTHC&#34;: 4/8"' in html
    parts = re.findall(r'<rect x="([\d.]+)" y="0" width="([\d.]+)" height="10" fill="(#\w+)"><title>(\d+)</title>', html)
    assert parts == [("0.00", "37.50", "#2e7d32", "3"), ("37.50", "12.50", "#e08a00", "1")]  # no part for 0
    assert "<rect" in stacked_bar([("bar", 5)], 0, "x") and "<title>" not in stacked_bar([("bar", 5)], 0, "x")
