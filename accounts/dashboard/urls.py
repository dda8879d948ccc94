from django.urls import path

from accounts.dashboard import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.overview, name="overview"),
    path("keys/new", views.key_create, name="key-create"),
    path("keys/<int:key_id>/revoke", views.key_revoke, name="key-revoke"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read", views.notifications_mark_read, name="notifications-read"),
    path("api-test/", views.api_test, name="api-test"),
    path("api/reference/", views.api_reference, name="api-reference"),
    path("api-test/console-key", views.console_key, name="api-test-console-key"),
]
