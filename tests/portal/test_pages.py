import pytest
from django.test import Client
from django.urls import reverse

from assessments.enums import PeriodStatus
from assessments.models import Period
from tests.factories import make_period


def test_the_login_page_is_in_vietnamese(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html


def test_a_wrong_password_is_explained_in_vietnamese(officer_a):
    response = Client().post(reverse("login"), {"username": "canbo_a", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_anonymous_home_shows_the_public_page(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert "Kết quả đã công bố" in response.content.decode()


def test_officer_landing_shows_its_agency_and_open_periods(period, officer_a, client_for):
    Period.objects.filter(pk=period.pk).update(title="Kỳ đánh giá năm 2022")
    response = client_for(officer_a).get(reverse("home"))
    html = response.content.decode()
    assert "Sở Tài chính" in html
    assert "Kỳ đánh giá năm 2022" in html
    assert "Bắt đầu tự đánh giá" in html
    assert "còn 10 ngày" in html


def test_officer_landing_hides_periods_still_in_preparation(reference, officer_a, client_for):
    make_period(status=PeriodStatus.PREPARING)
    html = client_for(officer_a).get(reverse("home")).content.decode()
    assert "Hiện không có kỳ đánh giá nào đang mở cho đơn vị." in html


@pytest.mark.parametrize("who", ["reviewer", "lead"])
def test_department_landing_lists_periods_under_review(period, who, request, client_for):
    user = request.getfixturevalue(who)
    html = client_for(user).get(reverse("home")).content.decode()
    assert "Thẩm định kết quả tự đánh giá" in html
    assert reverse("assessments:review_queue", args=[period.code]) in html


def test_administrator_landing_links_to_administration(administrator, client_for):
    html = client_for(administrator).get(reverse("home")).content.decode()
    assert reverse("assessments:admin_home") in html
    assert reverse("admin:index") in html


def test_logout_is_post_only(officer_a, client_for):
    client = client_for(officer_a)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_django_admin_speaks_vietnamese(administrator, client_for):
    response = client_for(administrator).get(reverse("admin:assessments_agency_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cơ quan, đơn vị" in html.lower()
    assert "Tìm kiếm" in html or "Tìm" in html


def test_officer_landing_hides_a_period_under_review_the_agency_never_joined(
    reference, officer_a, client_for
):
    make_period(status=PeriodStatus.REVIEW)
    html = client_for(officer_a).get(reverse("home")).content.decode()
    assert "Hiện không có kỳ đánh giá nào đang mở cho đơn vị." in html


def test_people_are_named_family_name_first(officer_a):
    assert officer_a.get_full_name() == "Nguyễn Thị Lan"


def test_officer_landing_links_to_the_exchange_once_returned(
    period, officer_a, reviewer, client_for
):
    from assessments import workflow
    from tests.factories import submitted_submission

    submission = submitted_submission(officer_a.agency, period, officer_a)
    submission = workflow.start_review(submission, actor=reviewer)
    workflow.return_for_explanation(submission, actor=reviewer, message="Đề nghị giải trình II.1")
    html = client_for(officer_a).get(reverse("home")).content.decode()
    assert reverse("assessments:exchange", args=[submission.pk]) in html
    assert "Trả lời yêu cầu giải trình" in html


def test_lead_landing_links_to_reports_and_statistics(period, lead, reviewer, client_for):
    html = client_for(lead).get(reverse("home")).content.decode()
    assert reverse("assessments:period_reports", args=[period.code]) in html
    assert reverse("assessments:statistics", args=[period.code]) in html
    html = client_for(reviewer).get(reverse("home")).content.decode()
    assert reverse("assessments:period_reports", args=[period.code]) not in html
