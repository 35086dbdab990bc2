"""What the Nu checker and axe found on the answer pages, checked without a browser: every
aria-describedby / aria-labelledby / aria-controls points at an element of the page, and no
role="alert" is empty (an empty alert is announced as nothing). Pages in the states that show
errors, where the references are added."""

import re

import pytest
from django.urls import reverse

from assessments.services import get_or_create_submission
from tests.assessments.review_support import in_review, item, returned
from tests.factories import fill_submission


def problems(html) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    broken = [
        f"→ {target}"
        for value in re.findall(r'aria-(?:describedby|labelledby|controls)="([^"]+)"', html)
        for target in value.split()
        if target not in ids
    ]
    empty = re.findall(r'<[^>]*role="alert"[^>]*>\s*</', html)
    return broken + empty


def test_the_check_and_confirm_pages(agency_a, period, officer_a, client_for):
    submission = get_or_create_submission(agency_a, period)
    client = client_for(officer_a)
    check = client.get(reverse("assessments:submit_check", args=[submission.pk]))
    assert check.status_code == 200
    assert problems(check.content.decode()) == []
    fill_submission(submission)
    confirm = client.get(reverse("assessments:submit_confirm", args=[submission.pk]))
    assert confirm.status_code == 200
    assert problems(confirm.content.decode()) == []
    refused = client.post(reverse("assessments:submit_confirm", args=[submission.pk]), {})
    assert problems(refused.content.decode()) == []


def test_the_appraisal_page_with_a_refused_correction(
    agency_a, period, officer_a, reviewer, client_for
):
    submission = in_review(agency_a, period, officer_a, reviewer)
    it = item(submission, "II.2")
    prefix = f"r{it.pk}-"
    response = client_for(reviewer).post(
        reverse("assessments:appraise_item", args=[submission.pk, it.pk]),
        {
            prefix + "mode": "inputs",
            prefix + "numerator": "2",
            prefix + "denominator": "1",
            prefix + "version": it.version,
        },
    )
    html = response.content.decode()
    assert "Tử số không được lớn hơn mẫu số." in html
    assert problems(html) == []


@pytest.mark.parametrize("items", [["99999999999999999999999"], []])
def test_the_exchange_page_with_refused_evidence(
    agency_a, period, officer_a, reviewer, client_for, items
):
    submission = returned(agency_a, period, officer_a, reviewer)
    client = client_for(officer_a)
    assert (
        problems(client.get(reverse("assessments:exchange", args=[submission.pk])).content.decode())
        == []
    )
    response = client.post(
        reverse("assessments:exchange_evidence", args=[submission.pk]),
        {"items": items, "url": "ftp://x"},
    )
    assert response.status_code == 200
    assert problems(response.content.decode()) == []
