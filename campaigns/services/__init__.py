"""Every write of campaigns: create, build the recipients, render them fairly, cancel, retry, refresh, delete.

Fair share (mode ``render``): an account has at most ``CAMPAIGN_RENDER_WINDOW``
campaign renders queued or running at once, across all its campaigns (oldest
campaign first). The next recipient is queued only when one of those finishes, so
a single render of another tenant waits behind at most that many campaign renders
per account with a running campaign — never behind a whole campaign.

Idempotency: a recipient's video (or document request) is created in the same
transaction that moves it from ``pending`` to ``rendering`` and records the id, so
a re-run, a resumed build or a worker killed mid-render never renders a recipient
twice; the render itself is the videos/documents job, with their own recovery.

Modules: ``audience`` (template, audience, mapping checks), ``create``, ``build`` (the
recipients, as a job row; the sweep), ``delivery`` (the fair-share pump, settling, the hooks
of finished renders), ``actions`` (cancel, retry, refresh, delete). Callers use this package.
"""

from campaigns.services.actions import campaign_cancel, campaign_delete, campaign_refresh, campaign_retry_failed
from campaigns.services.audience import audience_preview, template_inputs
from campaigns.services.build import CAMPAIGN_BUILD, campaign_build, campaign_sweep
from campaigns.services.create import MAX_LINK_TTL_DAYS, campaign_create
from campaigns.services.delivery import (
    campaign_event_json,
    campaign_pump,
    campaign_settle,
    recipient_document_finished,
    recipient_link_rendered,
    recipient_video_finished,
    recipient_video_for_link,
)

__all__ = [
    "CAMPAIGN_BUILD",
    "MAX_LINK_TTL_DAYS",
    "audience_preview",
    "campaign_build",
    "campaign_cancel",
    "campaign_create",
    "campaign_delete",
    "campaign_event_json",
    "campaign_pump",
    "campaign_refresh",
    "campaign_retry_failed",
    "campaign_settle",
    "campaign_sweep",
    "recipient_document_finished",
    "recipient_link_rendered",
    "recipient_video_finished",
    "recipient_video_for_link",
    "template_inputs",
]
