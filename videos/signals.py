"""Signals of the video app, for the apps and features built on top of it (the video maker, campaigns)."""

from django.dispatch import Signal

# Sent with ``video`` and ``event`` ("video.done" or "video.error") inside the transaction
# that finishes any render. A video-maker project's render sends it instead of the webhook
# event of template videos; receivers act only on the videos that are theirs.
render_finished = Signal()
