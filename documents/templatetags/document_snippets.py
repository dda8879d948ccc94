from django import template

from documents.dashboard.snippets import document_snippets as build

register = template.Library()


@register.inclusion_tag("dashboard/_code_snippets.html", takes_context=True)
def document_snippets(context, document_template) -> dict:
    """``{% document_snippets template %}``: the code-to-copy card of a document template."""
    request = context["request"]
    return {
        "snippets": build(template=document_template, base_url=request.build_absolute_uri("/").rstrip("/")),
        "snippet_id": f"document-{document_template.template_id}",
        "secret_hint": "Replace YOUR_API_KEY with an API key of this account (Overview → API credentials).",
    }
