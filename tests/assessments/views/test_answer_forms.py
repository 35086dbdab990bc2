"""Every scoring rule's answer form through both views that take it: the agency's autosave
(item_save) and the reviewer's correction (appraise_item), with valid, invalid, tampered and
oversized input. One table (Phụ lục 3, Trảng Bom) has a criterion of every rule."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.services import get_or_create_submission
from tests.assessments.review_support import in_review, item

HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_LONG = "Số quá dài: chỉ nhập tối đa 15 chữ số (kể cả phần thập phân), không quá 32 ký tự."

VALID = [
    ("VI.3", {"met": "yes"}, {"met": True}),
    ("VI.3", {"met": "no"}, {"met": False}),
    ("IV.1", {"checked": ["2", "0", "2"]}, {"checked": [0, 2]}),
    ("IV.1", {"checked_none": "on"}, {"checked": []}),
    ("II.4", {"option": "day-du"}, {"option": "day-du"}),
    ("I.2", {"count": "2"}, {"count": "2"}),
    ("Đ.1", {"count": "1.000"}, {"count": "1.000"}),
    (
        "II.2",
        {"source": "pair", "numerator": "1.234", "denominator": "1300"},
        {"numerator": "1.234", "denominator": "1.300"},
    ),
    ("II.2", {"source": "percent", "percent": "87,5 %"}, {"percent": "87,5"}),
]

REFUSED = [
    # invalid
    ("VI.3", {"met": "maybe"}, "met", "Hãy chọn “Có” hoặc “Không”."),
    ("II.4", {"option": "khong-co"}, "option", "Lựa chọn không hợp lệ."),
    ("I.2", {"count": "-1"}, "count", "Số lượng không được âm."),
    ("Đ.1", {"count": "1,5"}, "count", "Số lượng phải là số nguyên."),
    ("Đ.1", {"count": "abc"}, "count", "Giá trị “abc” không phải là số hợp lệ."),
    (
        "II.2",
        {"source": "pair", "numerator": "1.301", "denominator": "1.300"},
        "numerator",
        "Tử số không được lớn hơn mẫu số.",
    ),
    (
        "II.2",
        {"source": "pair", "numerator": "1", "denominator": "0"},
        "denominator",
        "Mẫu số phải lớn hơn 0; nếu tiêu chí không phát sinh, hãy chọn “Không áp dụng”.",
    ),
    (
        "II.2",
        {"source": "percent", "percent": "101"},
        "percent",
        "Tỷ lệ phần trăm phải nằm trong khoảng 0–100.",
    ),
    # tampered
    ("IV.1", {"checked": ["0", "²"]}, "checked", "Mục “²” không có trong danh sách."),
    ("IV.1", {"checked": ["99"]}, "checked", "Mục “99” không có trong danh sách."),
    ("II.4", {"option": "<b>day-du</b>"}, "option", "Lựa chọn không hợp lệ."),
    ("VI.3", {"met": "1"}, "met", "Hãy chọn “Có” hoặc “Không”."),
    # oversized
    ("I.2", {"count": "9" * 16}, "count", TOO_LONG),
    ("Đ.1", {"count": "1" * 600_000}, "count", TOO_LONG),
    (
        "II.2",
        {"source": "pair", "numerator": "1", "denominator": "1" + "0" * 40},
        "denominator",
        TOO_LONG,
    ),
    ("II.2", {"source": "percent", "percent": "9" * 100}, "percent", TOO_LONG),
]


def _prefixed(prefix, data):
    return {f"{prefix}{key}": value for key, value in data.items()}


def _save_as_agency(client, it, data):
    payload = {f"c{it.pk}-version": it.version, **_prefixed(f"c{it.pk}-", data)}
    url = reverse("assessments:item_save", args=[it.submission_id, it.pk])
    return client.post(url, payload, **HTMX)


def _correct_as_reviewer(client, it, data):
    prefix = f"r{it.pk}-"
    payload = {
        prefix + "mode": "inputs",
        prefix + "reason": "Số liệu theo biên bản kiểm tra.",
        prefix + "version": it.version,
        **_prefixed(prefix, data),
    }
    url = reverse("assessments:appraise_item", args=[it.submission_id, it.pk])
    return client.post(url, payload, **HTMX)


@pytest.fixture
def draft(period, agency_b):
    return get_or_create_submission(agency_b, period)


@pytest.fixture
def reviewing(period, agency_b, officer_b, reviewer):
    return in_review(agency_b, period, officer_b, reviewer)


@pytest.mark.parametrize(("code", "data", "stored"), VALID)
def test_the_agency_saves_every_rules_answer(code, data, stored, draft, officer_b, client_for):
    it = item(draft, code)
    response = _save_as_agency(client_for(officer_b), it, data)
    assert response.status_code == 200
    assert "Đã lưu lúc" in response.content.decode()
    it.refresh_from_db()
    assert it.inputs == stored
    assert it.version == 2


@pytest.mark.parametrize(("code", "data", "field", "error"), REFUSED)
def test_the_agency_sees_every_rules_refusal_next_to_the_field(
    code, data, field, error, draft, officer_b, client_for
):
    it = item(draft, code)
    response = _save_as_agency(client_for(officer_b), it, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-error-for="c{it.pk}-{field}" role="alert" data-hx-swap-oob="true">{error}<' in (
        body
    )
    assert "Đã lưu lúc" not in body
    it.refresh_from_db()
    assert (it.inputs, it.points, it.version) == ({}, None, 1)


@pytest.mark.parametrize(("code", "data", "stored"), VALID)
def test_the_reviewer_corrects_every_rules_answer_with_the_same_form(
    code, data, stored, reviewing, reviewer, client_for
):
    it = item(reviewing, code)
    response = _correct_as_reviewer(client_for(reviewer), it, data)
    assert response.status_code == 200
    it.refresh_from_db()
    assert it.reviewer_inputs == stored
    assert it.reviewer_reason == "Số liệu theo biên bản kiểm tra."


@pytest.mark.parametrize(("code", "data", "field", "error"), REFUSED)
def test_the_reviewer_sees_every_rules_refusal_next_to_the_field(
    code, data, field, error, reviewing, reviewer, client_for
):
    it = item(reviewing, code)
    before = (it.reviewer_inputs, it.reviewer_points, it.version)
    response = _correct_as_reviewer(client_for(reviewer), it, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="r{it.pk}-{field}-err"' in body
    assert error in body
    assert "Chưa lưu: hãy sửa các ô có thông báo màu đỏ." in body
    it.refresh_from_db()
    assert (it.reviewer_inputs, it.reviewer_points, it.version) == before


def test_points_typed_by_the_reviewer_are_decimal_and_bounded(reviewing, reviewer, client_for):
    it = item(reviewing, "II.2")
    prefix = f"r{it.pk}-"
    client = client_for(reviewer)
    url = reverse("assessments:appraise_item", args=[reviewing.pk, it.pk])
    base = {
        prefix + "mode": "override",
        prefix + "reason": "Theo biên bản.",
        prefix + "version": it.version,
    }
    refused = client.post(url, {**base, prefix + "points": "9" * 40}, **HTMX)
    assert TOO_LONG in refused.content.decode()
    client.post(url, {**base, prefix + "points": "0,1"}, **HTMX)
    it.refresh_from_db()
    assert it.reviewer_points == Decimal("0.10")
