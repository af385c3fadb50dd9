"""Failed log-ins are limited per account and per address (django-axes), on the site's
log-in page and the admin's, with a message saying why."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return settings


def try_login(client, url, username, password, address="192.0.2.10"):
    return client.post(url, {"username": username, "password": password},
                       REMOTE_ADDR=address)


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_an_account_is_locked_after_too_many_wrong_passwords(client, admin_user, limits, url):
    for i in range(5):
        # From five addresses: the account's count, not the address's, locks it.
        response = try_login(client, url, admin_user.username, "wrong", f"192.0.2.{i}")
        assert response.status_code in (200, 429)
    response = try_login(client, url, admin_user.username, "pw-root", "198.51.100.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-ins" in page and "5 wrong passwords" in page
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_whatever_the_accounts(client, analyst, limits):
    url = reverse("login")
    for i in range(5):
        try_login(client, url, f"nobody-{i}", "wrong")
    analyst.set_password("right-password-123")
    analyst.save()
    assert try_login(client, url, analyst.username, "right-password-123").status_code == 429
    # Another address is not locked out of the same account.
    response = try_login(client, url, analyst.username, "right-password-123", "192.0.2.99")
    assert response.status_code == 302


def test_a_right_password_before_the_limit_logs_in(client, analyst, limits):
    analyst.set_password("right-password-123")
    analyst.save()
    for _ in range(4):
        try_login(client, reverse("login"), analyst.username, "wrong")
    assert try_login(client, reverse("login"), analyst.username,
                     "right-password-123").status_code == 302
