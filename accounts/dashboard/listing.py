"""Paging, search and filters of every dashboard list: this helper and one partial, ``dashboard/_listing.html``.

A view builds a :class:`Listing` from the request (what the manager asked for), hands its
``search``, ``values`` and ``offset``/``limit`` to the app's selector, and gives the answer
back with :meth:`Listing.fill`; the partial draws the search box, the filters, the exact
counts and the pager. Two lists on one page each take a ``prefix`` for their parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict

SEARCH_MAX_CHARS = 500
MAX_PAGE = 10**6


@dataclass(frozen=True)
class Filter:
    """A ``<select>`` of the list: ``choices`` are (value, label); an unknown value is ignored."""

    name: str
    label: str
    choices: Sequence[tuple[str, str]]


def choices_of(text_choices) -> list[tuple[str, str]]:
    """A model's ``TextChoices`` as filter choices."""
    return [(value, str(label)) for value, label in text_choices.choices]


class Listing:
    def __init__(
        self,
        request: HttpRequest,
        *,
        noun: str,
        nouns: str | None = None,
        per_page: int = 25,
        search: str | None = "Search",
        search_hint: str = "",
        search_param: str = "q",
        filters: Sequence[Filter] = (),
        prefix: str = "",
    ) -> None:
        self.noun, self.nouns = noun, nouns or f"{noun}s"
        self.prefix = prefix
        self.per_page = per_page
        self.search_label, self.search_hint = search, search_hint or search
        self.search_param = self.param(search_param)
        self._query: QueryDict = request.GET
        self.search = request.GET.get(self.search_param, "").strip()[:SEARCH_MAX_CHARS] if search else ""
        self.values: dict[str, str] = {}
        for item in filters:
            value = request.GET.get(self.param(item.name), "")
            if value in {choice for choice, _ in item.choices}:
                self.values[item.name] = value
        self.filters = [
            {
                "name": self.param(item.name),
                "label": item.label,
                "choices": item.choices,
                "selected": self.values.get(item.name, ""),
            }
            for item in filters
        ]
        page = request.GET.get(self.param("page"), "1")
        self.number = int(page) if page.isdigit() and 0 < int(page) < MAX_PAGE else 1
        self.items: list[Any] = []
        self.total = 0
        self.of: int | None = None

    def param(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def value(self, name: str) -> str | None:
        """The chosen value of filter ``name``, or None (every value)."""
        return self.values.get(name)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.per_page

    def fill(self, total: int, items: Sequence[Any], *, of: int | None = None) -> Listing:
        """The page the selector found: ``total`` items match, ``of`` the account has in all (when filtering)."""
        self.total, self.items = total, list(items)
        self.of = of if self.filtering else None
        return self

    @property
    def filtering(self) -> bool:
        return bool(self.search or self.values)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return self.offset + len(self.items)

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The page's other parameters (another list's, a tab's), kept by this list's search form."""
        own = {self.search_param, self.param("page"), *(f["name"] for f in self.filters)}
        return [(key, value) for key, values in self._query.lists() if key not in own for value in values]

    def url(self, page: int) -> str:
        query = self._query.copy()
        query[self.param("page")] = str(page)
        return f"?{query.urlencode()}"

    @property
    def previous_url(self) -> str | None:
        return self.url(min(self.number - 1, self.pages)) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None

    @property
    def clear_url(self) -> str:
        query = QueryDict(mutable=True)
        for key, value in self.kept:
            query.appendlist(key, value)
        return f"?{query.urlencode()}"

    @property
    def counted(self) -> str:
        """``1 video``, ``12 videos``: the exact count of what matches."""
        return f"{self.total} {self.noun if self.total == 1 else self.nouns}"
