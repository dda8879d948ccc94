"""Signals of the documents app, for the apps above it (campaigns) to follow renders without documents knowing them."""

from django.dispatch import Signal

# Sent with ``request=`` inside the transaction that marks a document request completed or failed.
request_finished = Signal()
# Sent with ``link=`` after an on-demand link rendered its document on the first open.
link_rendered = Signal()
