from django import template

from videos.dashboard.snippets import video_snippets as build

register = template.Library()


@register.inclusion_tag("dashboard/_code_snippets.html", takes_context=True)
def video_snippets(context, video_template) -> dict:
    """``{% video_snippets template %}``: the code-to-copy card of a video template."""
    request = context["request"]
    base_url = request.build_absolute_uri("/").rstrip("/")
    return {
        "snippets": build(account=request.account, template=video_template, base_url=base_url),
        "snippet_id": f"video-{video_template.public_id}",
        "secret_hint": "Replace YOUR_ACCOUNT_SECRET with an API key of this account (Overview → API credentials).",
        "missing": "The saved script does not parse: fix it to get code that creates videos from it.",
    }
