"""The administrator sets up a program, its period, scale and bands through the browser forms."""

import pytest
from django.urls import reverse

from assessments.models import Agency, AuditEntry, Period, Program
from tests.assessments.views.test_administration import bands_data, errors_in, period_data


@pytest.fixture
def admin_client(administrator, client_for):
    return client_for(administrator)


def program_data(**changes):
    data = {
        "code": "chuyen-doi-so",
        "name": "Chỉ số chuyển đổi số cấp sở, cấp xã",
        "subject": "chỉ số chuyển đổi số",
        "description": "",
        "evaluating_agency": str(Agency.objects.get(code="so-khoa-hoc-cong-nghe").pk),
        "parent_body": "UBND tỉnh Đồng Nai",
        "agency_short_name": "Sở KH&CN",
        "agency_abbreviation": "SKHCN",
        "handling_unit": "phòng Chuyển đổi số",
        "handling_unit_code": "CĐS",
        "signer_title": "KT. GIÁM ĐỐC\r\n PHÓ GIÁM ĐỐC \r\n",
        "signer_name": "",
        "report_addressee": "Ủy ban nhân dân tỉnh Đồng Nai",
        "report_through": "",
        "order": "2",
    }
    data.update(changes)
    return data


def hundred_point_period(program, **changes):
    return period_data(
        program=str(program.pk),
        code="cds-2026",
        year="2026",
        title="Đánh giá chỉ số chuyển đổi số năm 2026",
        window_start="2026-01-01",
        window_end="2026-10-25",
        self_assessment_deadline="2026-10-30",
        report_deadline="2026-11-20",
        evaluating_agency=str(program.evaluating_agency_id),
        scale_max="100",
        **bands_data(("A", "90"), ("B", "80"), ("C", "65"), ("D", "50"), ("E", "0")),
        **changes,
    )


def test_an_administrator_creates_a_program_and_it_is_audited(admin_client, administrator):
    response = admin_client.post(reverse("assessments:admin_program_create"), program_data())
    assert response.status_code == 302
    program = Program.objects.get(code="chuyen-doi-so")
    assert program.signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert program.filing_line == "Lưu: VT, CĐS."
    entry = AuditEntry.objects.get(action="create_program")
    assert (entry.actor, entry.target, entry.new_value) == (
        administrator,
        "chuyen-doi-so",
        "Chỉ số chuyển đổi số cấp sở, cấp xã",
    )


def test_renaming_the_evaluating_department_is_audited_per_field(admin_client, period):
    program = period.program
    data = program_data(
        code=program.code,
        name=program.name,
        subject=program.subject,
        agency_short_name="Sở KH&CN",
        handling_unit="phòng Chuyển đổi số",
        handling_unit_code="CĐS",
        agency_abbreviation="SKHCN",
        report_addressee=program.report_addressee,
        report_through=program.report_through,
        order="0",
        evaluating_agency=str(program.evaluating_agency_id),
    )
    response = admin_client.post(reverse("assessments:admin_program", args=[program.code]), data)
    assert response.status_code == 302
    changed = AuditEntry.objects.filter(action="update_program").order_by("field")
    assert [(e.field, e.old_value, e.new_value) for e in changed] == [
        ("agency_abbreviation", "STTTT", "SKHCN"),
        ("agency_short_name", "Sở TT&TT", "Sở KH&CN"),
        ("handling_unit", "phòng CNTT-VT", "phòng Chuyển đổi số"),
        ("handling_unit_code", "CNTT-VT", "CĐS"),
    ]


def test_a_hundred_point_period_with_five_bands_is_set_up(admin_client, period):
    program = Program.objects.create(
        **{
            key: value
            for key, value in program_data().items()
            if key not in ("evaluating_agency", "order")
        },
        evaluating_agency=Agency.objects.get(code="so-khoa-hoc-cong-nghe"),
    )
    form = admin_client.get(
        reverse("assessments:admin_period_create") + "?chuong-trinh=chuyen-doi-so"
    ).context["form"]
    assert (form.initial["program"], form.initial["evaluating_agency"]) == (
        program.pk,
        program.evaluating_agency_id,
    )
    response = admin_client.post(
        reverse("assessments:admin_period_create"), hundred_point_period(program)
    )
    assert response.status_code == 302
    created = Period.objects.get(code="cds-2026")
    assert (created.program, created.scale_max, created.decimal_places) == (
        program,
        100,
        2,
    )
    assert created.bands == [
        {"label": "A", "lowest": "90.00"},
        {"label": "B", "lowest": "80.00"},
        {"label": "C", "lowest": "65.00"},
        {"label": "D", "lowest": "50.00"},
        {"label": "E", "lowest": "0.00"},
    ]
    page = admin_client.get(reverse("assessments:admin_period", args=["cds-2026"]))
    assert (
        "A: điểm ≥ 90,00; B: 80,00 ≤ điểm &lt; 90,00; C: 65,00 ≤ điểm &lt; 80,00; "
        "D: 50,00 ≤ điểm &lt; 65,00; E: điểm &lt; 50,00"
    ) in page.content.decode()


def test_no_band_at_all_makes_a_ranking_only_period(admin_client, period):
    response = admin_client.post(
        reverse("assessments:admin_period_create"),
        period_data(scale_max="1.000", **bands_data()),
    )
    assert response.status_code == 302
    created = Period.objects.get(code="2023")
    assert (created.scale_max, created.bands, created.is_ranking_only) == (1000, [], True)


@pytest.mark.parametrize(
    ("bands", "errors"),
    [
        (
            [("A", "80"), ("B", "90")],
            {
                "band_lowest_2": [
                    "Mức “B”: điểm thấp nhất phải nhỏ hơn của mức “A” (80); các mức xếp từ cao "
                    "xuống thấp."
                ]
            },
        ),
        (
            [("Tốt", "80"), ("tốt", "50")],
            {"band_label_2": ["Mức thứ 2: tên mức “tốt” bị trùng."]},
        ),
        (
            [("A", "120")],
            {
                "band_lowest_1": [
                    "Mức “A”: điểm thấp nhất 120 vượt điểm tối đa của thang điểm (100)."
                ]
            },
        ),
        ([("A", "")], {"band_lowest_1": ["Nhập điểm thấp nhất của mức “A”."]}),
        ([("", "50")], {"band_label_1": ["Nhập tên mức (ví dụ “A”, “Tốt”)."]}),
        ([("A", "chín mươi")], {"band_lowest_1": ["Giá trị “chín mươi” không phải là số hợp lệ."]}),
    ],
)
def test_bands_are_explained_next_to_the_row(admin_client, period, bands, errors):
    data = period_data(scale_max="100", **bands_data(*bands))
    response = admin_client.post(reverse("assessments:admin_period_create"), data)
    assert response.status_code == 200
    assert errors_in(response) == errors
    assert not Period.objects.filter(code="2023").exists()
    assert "Mức 1: tên mức" in response.content.decode()


def test_the_same_program_cannot_have_two_official_periods_in_a_year(admin_client, period):
    response = admin_client.post(
        reverse("assessments:admin_period_create"), period_data(code="2022-bis", year="2022")
    )
    assert response.status_code == 200
    assert errors_in(response) == {
        "__all__": ["Chương trình này đã có kỳ đánh giá chính thức cho năm này."]
    }
