from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Campaigns join personalization data to video and document renders: this app sits above
    videos, documents and personalization, and nothing below imports it. It follows their renders
    through the signals they send."""

    name = "campaigns"

    def ready(self) -> None:
        from campaigns import receivers  # noqa: F401  (connects the signal receivers)
