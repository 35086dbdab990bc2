from decimal import Decimal

from assessments import charts


def test_bar_chart_escapes_labels_and_titles():
    svg = charts.bar_chart({"<b>A+</b>": 2, "A": 1}, title='Mức "A" & <script>')
    assert "<script>" not in svg
    assert 'aria-label="Mức &quot;A&quot; &amp; &lt;script&gt;"' in svg
    assert "&lt;b&gt;A+&lt;/b&gt;: 2" in svg
    assert svg.count("<rect") == 2


def test_horizontal_bars_show_the_values_in_vietnamese_format():
    svg = charts.horizontal_bars([("Phụ lục 1 II.1", Decimal("0.26"))], title="Mất điểm")
    assert ">0,26</text>" in svg and "Phụ lục 1 II.1" in svg


def test_no_chart_carries_a_style_attribute_the_content_security_policy_would_refuse():
    svgs = [
        charts.bar_chart({"A+": 2}, title="Mức"),
        charts.trend_chart([("Sở Tài chính", [("2022", Decimal("2.88"))])], title="Xu hướng"),
        charts.horizontal_bars([("II.1", Decimal("0.26"))], title="Mất điểm"),
    ]
    assert [" style=" in svg for svg in svgs] == [False, False, False]
    assert all('class="chart" font-family="sans-serif"' in svg for svg in svgs)


def test_the_trend_chart_draws_one_labelled_series_per_agency_and_escapes_names():
    from assessments.charts import trend_chart

    svg = str(
        trend_chart(
            [
                (
                    "Sở Khoa học và Công nghệ",
                    [("2022", Decimal("2.10")), ("2025", Decimal("2.40"))],
                ),
                ("Sở <TT&TT> (trước khi hợp nhất)", [("2022", Decimal("2.75"))]),
            ],
            title="Điểm qua các năm",
        )
    )

    assert svg.count("<polyline") == 1  # a single point draws no line
    assert svg.count("<circle") == 3
    assert "<title>Sở &lt;TT&amp;TT&gt; (trước khi hợp nhất), 2022: 2,75</title>" in svg
    assert ">Sở Khoa học và Công nghệ</text>" in svg
    assert 'stroke-dasharray="6 3"' in svg
