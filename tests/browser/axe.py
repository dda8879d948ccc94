"""axe-core (vendored, see vendor/README.md) run inside a page under test."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()


def axe_violations(page, impacts: tuple[str, ...] | None = None) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations of the page as it is now (only those of ``impacts`` when given)."""
    # Through the DevTools protocol, not a <script> tag: the dashboard's CSP refuses inline scripts.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in result["violations"]
        if impacts is None or v["impact"] in impacts
    ]
