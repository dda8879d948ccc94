from django.urls import path

from campaigns.dashboard import views

urlpatterns = [
    path("campaigns/", views.campaign_index, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/analytics/", views.campaign_analytics, name="campaign-analytics"),
    path("campaigns/<str:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<str:campaign_id>/progress.json", views.campaign_progress, name="campaign-progress"),
    path("campaigns/<str:campaign_id>/<str:action>", views.campaign_action, name="campaign-action"),
]
