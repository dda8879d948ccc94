"""Field types shared by the output serializers, the one declaration of each resource's shape
(REST answers, OpenAPI components and JSON-RPC structs via ``core.rpc.struct_from``)."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers


class JSONTextField(serializers.CharField):
    """A JSON value sent as its text (the JSON-RPC IDL has no free-form object type)."""

    def to_representation(self, value: Any) -> str:
        return json.dumps(value)


class BlankAsNullCharField(serializers.CharField):
    """An unknown text value, "" in the row, is sent as null."""

    def to_representation(self, value: str) -> str | None:
        return value or None
