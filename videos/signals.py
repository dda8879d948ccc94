"""Signals of the video app, for the features built on top of it (the video maker)."""

from django.dispatch import Signal

# Sent with ``video`` and ``event`` ("video.done" or "video.error") inside the transaction
# that finishes a render whose video belongs to a video-maker project, instead of the webhook
# event of template videos.
render_finished = Signal()
