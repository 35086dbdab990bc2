from django.test import Client
from django.urls import reverse


def test_a_missing_page_answers_in_vietnamese(db):
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_post_without_csrf_token_is_explained_in_vietnamese(officer_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "canbo_a", "password": "x"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
