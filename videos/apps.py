from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self) -> None:
        from videos.maker import services
        from videos.signals import render_finished

        render_finished.connect(services.on_render_finished, dispatch_uid="videos.maker")
