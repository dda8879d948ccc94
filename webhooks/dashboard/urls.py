from django.urls import path

from webhooks.dashboard import views

urlpatterns = [
    path("webhooks/", views.webhook_index, name="webhooks"),
    path("webhooks/<str:webhook_id>/", views.webhook_detail, name="webhook-detail"),
    path("webhooks/<str:webhook_id>/rotate", views.webhook_rotate, name="webhook-rotate"),
    path("webhooks/<str:webhook_id>/delete", views.webhook_delete, name="webhook-delete"),
    path("webhooks/<str:webhook_id>/test", views.webhook_test, name="webhook-test"),
    path("webhooks/<str:webhook_id>/deliveries/status", views.delivery_status, name="webhook-delivery-status"),
    path("webhooks/deliveries/<str:delivery_id>/send", views.delivery_redeliver, name="webhook-redeliver"),
]
