"""The main menu shows each area with the predicate its view enforces (one permission layer):
the same links per role as before the menu stopped comparing roles itself."""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.enums import Role
from tests.factories import make_user

AREAS = {
    "Thẩm định": "assessments:review_home",
    "Báo cáo": "assessments:reports_home",
    "Quản trị": "assessments:admin_home",
}


def _menu(client) -> list[str]:
    page = client.get(reverse("public:periods")).content.decode()
    menu = page[page.index('id="nav-chinh"') : page.index("</nav>")]
    return [name for name, url in AREAS.items() if f'href="{reverse(url)}"' in menu]


@pytest.mark.parametrize(
    ("person", "areas"),
    [
        ("officer_a", []),
        ("reviewer", ["Thẩm định"]),
        ("lead", ["Thẩm định", "Báo cáo"]),
        ("administrator", ["Báo cáo", "Quản trị"]),
    ],
)
def test_each_role_sees_the_areas_its_views_allow(person, areas, request, client_for):
    user = request.getfixturevalue(person)
    assert _menu(client_for(user)) == areas


def test_a_superuser_also_sees_reports_and_administration(department, client_for):
    superuser = make_user(
        "sieuquantri", role=Role.REVIEWER, agency=department, is_superuser=True, is_staff=True
    )
    assert _menu(client_for(superuser)) == ["Thẩm định", "Báo cáo", "Quản trị"]


def test_an_anonymous_visitor_sees_no_area(reference):
    assert _menu(Client()) == []
