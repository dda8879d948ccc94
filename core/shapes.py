"""Field types shared by the output serializers, the one declaration of each resource's shape
(REST answers, OpenAPI components and JSON-RPC structs via ``core.rpc.struct_from``)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from rest_framework import serializers

from core.dates import iso_z

_serializers = threading.local()


def represent(serializer_class: type[serializers.BaseSerializer], instance: Any) -> Any:
    """``serializer_class(instance).data`` for a serializer that reads no context, without
    building its fields again: DRF deep-copies every declared field (nested serializers
    included) for each instance, ~0.15 ms a video on this machine kind, more than the read
    itself. One bound serializer per class and thread renders every instance instead;
    ``to_representation`` keeps no state between calls."""
    bound = _serializers.__dict__.setdefault("by_class", {})
    serializer = bound.get(serializer_class)
    if serializer is None:
        serializer = bound[serializer_class] = serializer_class()
    return serializer.to_representation(instance)


class JSONTextField(serializers.CharField):
    """A JSON value sent as its text (the JSON-RPC IDL has no free-form object type)."""

    def to_representation(self, value: Any) -> str:
        return json.dumps(value)


class BlankAsNullCharField(serializers.CharField):
    """An unknown text value, "" in the row, is sent as null."""

    def to_representation(self, value: str) -> str | None:
        return value or None


class MillisecondsDateTimeField(serializers.DateTimeField):
    """A time with milliseconds, ``2014-03-25T11:21:00.047Z``, as seed 001 writes a video's date."""

    def to_representation(self, value: datetime) -> str:
        return iso_z(self.enforce_timezone(value), "milliseconds")
