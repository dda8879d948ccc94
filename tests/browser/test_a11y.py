"""Accessibility of every dashboard page and of the public player page, in headless Chromium:
axe-core's WCAG 2.1 A/AA rules with no serious or critical violation at laptop and phone widths,
the skip link, an upload from the keyboard alone, and the API key table on a phone.

Every URL the dashboard's resolver knows is either walked (``PAGES``) or named as no page of its
own (``NOT_PAGES``), so a new page cannot ship unchecked."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from conftest import browser_login
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# URL name -> the kwargs of its URL, from the world.
PAGES = {
    "login": lambda w: {},
    "overview": lambda w: {},
    "notifications": lambda w: {},
    "api-test": lambda w: {},
    "api-reference": lambda w: {},
    "media": lambda w: {},
    "media-delete": lambda w: {"media_id": w.media_id},
    "templates": lambda w: {},
    "template-new": lambda w: {},
    "template-edit": lambda w: {"template_id": w.template_id},
    "template-delete": lambda w: {"template_id": w.template_id},
    "template-player": lambda w: {"template_id": w.template_id},
    "template-editor": lambda w: {"template_id": w.template_id},
    "maker": lambda w: {},
    "videos": lambda w: {},
    "video": lambda w: {"video_id": w.video_id},
    "video-delete": lambda w: {"video_id": w.video_id},
    "video-player": lambda w: {"video_id": w.video_id},
    "personalization": lambda w: {},
    "personalization-list": lambda w: {"object_name": "users"},
    "personalization-create": lambda w: {"object_name": "users"},
    "personalization-edit": lambda w: {"object_name": "users", "record_id": w.user_id},
    "webhooks": lambda w: {},
    "webhook-detail": lambda w: {"webhook_id": w.webhook_id},
    "documents": lambda w: {},
    "document-template-new": lambda w: {},
    "document-template": lambda w: {"template_id": w.document_template_id},
    "document-request": lambda w: {"request_id": w.document_request_id},
    "campaigns": lambda w: {},
    "campaign-new": lambda w: {},
    "campaign-analytics": lambda w: {},
    "campaign": lambda w: {"campaign_id": w.campaign_id},
}
# Form targets (POST, then a redirect to a page above), JSON, CSV and media answers.
NOT_PAGES = {
    "logout",
    "key-create",
    "key-revoke",
    "notifications-read",
    "template-status",
    "template-secret",
    "template-render",
    "template-editor-check",
    "template-editor-frame",
    "template-editor-clip",
    "template-editor-clip-file",
    "template-editor-save",
    "video-status",
    "video-player-csv",
    "template-player-csv",
    "personalization-delete",
    "webhook-rotate",
    "webhook-delete",
    "webhook-redeliver",
    "webhook-test",
    "webhook-delivery-status",
    "document-template-delete",
    "document-asset-upload",
    "document-asset-delete",
    "document-preview",
    "document-generate",
    "document-request-rows",  # the Requests table's rows, swapped into the Documents page
    "document-request-status",
    "api-test-console-key",
    "campaign-progress",
    "campaign-action",
}
SERIOUS = ("serious", "critical")
WIDTHS = {"laptop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def dashboard_url_names() -> set[str]:
    namespace = get_resolver().namespace_dict["dashboard"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_dashboard_url_is_walked_or_named_as_no_page():
    assert dashboard_url_names() == set(PAGES) | NOT_PAGES
    assert not set(PAGES) & NOT_PAGES


def settled_width(page, viewport_width: int) -> int:
    """The page's width once its scripts have laid it out (the editor places its timeline after load):
    polled for up to 5 s, the first answer that fits the viewport, else the last one."""
    for _ in range(50):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width <= viewport_width:
            break
        page.wait_for_timeout(100)
    return width


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_every_page_has_no_serious_axe_violation_and_fits_the_width(chromium, live_server, tenant, world, size):
    context = chromium.new_context(viewport=WIDTHS[size], base_url=live_server.url, is_mobile=size == "phone")
    page = context.new_page()
    found: dict[str, list[dict]] = {}

    def check(name: str, path: str) -> None:
        response = page.goto(path)
        assert response.status == 200, (name, path, response.status)
        violations = axe_violations(page, SERIOUS)
        width = settled_width(page, WIDTHS[size]["width"])
        if width > WIDTHS[size]["width"]:  # the page scrolls sideways: something does not fit
            violations.append({"id": "page-wider-than-viewport", "impact": "serious", "nodes": [f"{width} px"]})
        if violations:
            found[name] = violations

    check("login", reverse("dashboard:login"))
    browser_login(page, tenant)
    for name, kwargs in PAGES.items():
        if name != "login":
            check(name, reverse(f"dashboard:{name}", kwargs=kwargs(world)))
    check("player-page", world.player_path)
    context.close()
    report = [
        f"{name}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for name, found_here in found.items() for v in found_here
    ]
    assert not report, "\n".join(report)


def test_skip_link_moves_the_keyboard_past_the_navigation(browser_page, tenant):
    page = browser_page
    browser_login(page, tenant)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page, not in the navigation
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_a_keyboard_user_uploads_media_from_the_drop_zone(browser_page, tenant, media_samples):
    page = browser_page
    browser_login(page, tenant)
    page.goto(reverse("dashboard:media"))
    assert page.locator("#drop").get_attribute("role") == "button"
    for key, sample in (("Enter", "photo.jpg"), ("Space", "bed.wav")):
        page.locator("#drop").focus()
        with page.expect_file_chooser() as chooser:
            page.keyboard.press(key)
        chooser.value.set_files(str(media_samples / sample))
        page.wait_for_selector(f".filename:text('{sample}')")  # uploaded, and the page reloaded with it


def test_the_key_table_fits_a_phone(chromium, live_server, tenant, tmp_path):
    context = chromium.new_context(viewport=WIDTHS["phone"], base_url=live_server.url, is_mobile=True)
    page = context.new_page()
    browser_login(page, tenant)
    revoke = page.locator("#keys button:text('Revoke')").first
    box = revoke.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    key = page.locator("#keys td[data-label=Key] code").first
    assert key.bounding_box()["width"] >= 80  # the whole psk_<id>_… is on one line
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "overview-390.png"), full_page=True)
    context.close()
