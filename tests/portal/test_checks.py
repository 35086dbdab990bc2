from portal.checks import vendored_assets_present


def test_vendored_assets_are_all_present():
    assert vendored_assets_present(None) == []


def test_a_missing_font_is_reported(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    errors = vendored_assets_present(None)
    assert [error.id for error in errors] == ["portal.E001"] * 5
    assert "static/vendor/htmx.min.js" in errors[2].msg
