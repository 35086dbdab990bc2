"""The administrator sets up a second evaluation program in the browser: the program and its
wording, then a 100-point period with five bands, after one refusal explained next to the row.
Every page loaded is audited (axe-core, Nu HTML Checker) by the `page` fixture."""

from assessments.enums import Role
from assessments.models import AuditEntry, Period, Program
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_period, make_user

BANDS = [("A", "90"), ("B", "80"), ("C", "65"), ("D", "50"), ("E", "0")]


def test_a_program_with_a_hundred_point_period_and_five_bands(page, live_server, browser_reference):
    make_period()
    make_user("quantri", role=Role.ADMIN)
    log_in(page, live_server, "quantri", PASSWORD)
    page.get_by_role("link", name="Quản trị", exact=True).first.click()
    page.get_by_role("link", name="Tạo chương trình đánh giá").click()

    page.locator("#id_code").fill("chuyen-doi-so")
    page.locator("#id_name").fill("Chỉ số chuyển đổi số cấp sở, cấp xã")
    page.locator("#id_subject").fill("chỉ số chuyển đổi số")
    page.locator("#id_evaluating_agency").select_option(label="Sở Khoa học và Công nghệ")
    page.locator("#id_parent_body").fill("UBND tỉnh Đồng Nai")
    page.locator("#id_agency_short_name").fill("Sở KH&CN")
    page.locator("#id_agency_abbreviation").fill("SKHCN")
    page.locator("#id_handling_unit").fill("phòng Chuyển đổi số")
    page.locator("#id_handling_unit_code").fill("CĐS")
    page.locator("#id_signer_title").fill("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    page.locator("#id_report_addressee").fill("Ủy ban nhân dân tỉnh Đồng Nai")
    page.get_by_role("button", name="Tạo chương trình").click()
    page.get_by_text(
        "Đã tạo chương trình đánh giá “Chỉ số chuyển đổi số cấp sở, cấp xã”."
    ).wait_for()

    page.locator("section", has_text="Chỉ số chuyển đổi số cấp sở, cấp xã").get_by_role(
        "link", name="Tạo kỳ mới của chương trình"
    ).click()
    page.locator("#id_code").fill("cds-2026")
    page.locator("#id_year").fill("2026")
    page.locator("#id_title").fill("Đánh giá chỉ số chuyển đổi số năm 2026")
    page.locator("#id_window_start").fill("2026-01-01")
    page.locator("#id_window_end").fill("2026-10-25")
    page.locator("#id_self_assessment_deadline").fill("2026-10-30")
    page.locator("#id_report_deadline").fill("2026-11-20")
    page.locator("#id_scale_max").fill("100")
    for row, (label, lowest) in enumerate(BANDS, start=1):
        page.locator(f"#id_band_label_{row}").fill(label)
        page.locator(f"#id_band_lowest_{row}").fill(lowest)
    # Two bands typed in the wrong order: refused, the sentence next to the row.
    page.locator("#id_band_lowest_2").fill("95")
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()
    page.get_by_text(
        "Mức “B”: điểm thấp nhất phải nhỏ hơn của mức “A” (90); các mức xếp từ cao xuống thấp."
    ).wait_for()
    assert not Period.objects.filter(code="cds-2026").exists()

    page.locator("#id_band_lowest_2").fill("80")
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()
    page.get_by_text("Đã tạo kỳ đánh giá “Đánh giá chỉ số chuyển đổi số năm 2026”.").wait_for()
    assert page.locator("#muc-xep-loai").inner_text() == (
        "A: điểm ≥ 90,00; B: 80,00 ≤ điểm < 90,00; C: 65,00 ≤ điểm < 80,00; "
        "D: 50,00 ≤ điểm < 65,00; E: điểm < 50,00"
    )
    period = Period.objects.get(code="cds-2026")
    assert (period.program, period.scale_max, period.grade_labels) == (
        Program.objects.get(code="chuyen-doi-so"),
        100,
        ["A", "B", "C", "D", "E"],
    )
    assert list(
        AuditEntry.objects.filter(action__in=["create_program", "create_period"])
        .order_by("pk")
        .values_list("action", "target")
    ) == [("create_program", "chuyen-doi-so"), ("create_period", "cds-2026")]
