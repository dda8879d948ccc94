"""Forms of the template editor and the test render.

They only shape input; every rule (script, profiles, quotas, inputs) is checked
by the services, whose ``AppError`` is shown next to the field it concerns.
"""

from __future__ import annotations

import json

from django import forms

from accounts.dashboard.errors import error_html
from accounts.models import Account
from core import errors
from core.errors import AppError
from media_app import selectors as media_selectors
from templates_app.models import VideoTemplate
from templates_app.profiles import COMMON_PROFILES
from templates_app.scripts import Script

PROFILE_ERRORS = {
    errors.NO_VIDEO_PROFILES,
    errors.DUPLICATED_PROFILE,
    errors.CUSTOM_PROFILES_NOT_ALLOWED,
    errors.PROFILE_NOT_ALLOWED,
}
NON_FIELD_ERRORS = {errors.MAX_TEMPLATES, errors.TEMPLATE_INACTIVE, errors.NO_CREDIT, errors.STORED_VIDEOS_LIMIT}

EXAMPLE_SCRIPT = {
    "width": 640,
    "height": 480,
    "inputs": [{"inputID": "photo", "type": "image"}],
    "elements": [
        {"id": "back", "type": "image", "source": {"input": "photo"}, "duration": 5, "fadeIn": 1},
        {"id": "hello", "type": "text", "text": "Hello $name", "play": "back.start + 0.5", "duration": 4.5, "size": 48},
    ],
}


def profile_choices(account: Account, current: list[str]) -> list[tuple[str, str]]:
    """The catalog's common profiles, the plan's own, and whatever the template already has."""
    names = list(COMMON_PROFILES)
    for name in [*(account.plan.allowed_profiles or []), *current]:
        if name not in names:
            names.append(name)
    return [(name, name.replace("_", " ")) for name in names]


class ProfilesField(forms.MultipleChoiceField):
    """Checkboxes of known names that accept any name: the profile catalog is a grammar, judged by the service."""

    def valid_value(self, value: str) -> bool:
        return True


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    input_scripts = forms.CharField(
        label="Script (inputScripts, JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "script-editor"}),
    )
    out_profiles = ProfilesField(label="Output profiles", required=False, widget=forms.CheckboxSelectMultiple)
    extra_profiles = forms.CharField(
        label="Other profiles",
        required=False,
        help_text="Any name of the catalog, comma separated, e.g. WEBM_VP9_OPUS_640x480_24fps or GIF_320x240_12fps",
    )

    def __init__(self, *args, account: Account, template: VideoTemplate | None = None, **kwargs):
        if template is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": template.name,
                "description": template.description,
                "input_scripts": json.dumps(template.input_scripts, indent=2),
                "out_profiles": template.out_profiles,
            }
        elif template is None and "initial" not in kwargs:
            kwargs["initial"] = {
                "input_scripts": json.dumps(EXAMPLE_SCRIPT, indent=2),
                "out_profiles": ["MP4_H264_AAC_640x480_24fps"],
            }
        super().__init__(*args, **kwargs)
        current = template.out_profiles if template else []
        self.fields["out_profiles"].choices = profile_choices(account, current)

    def changes(self) -> dict:
        """The keyword arguments of ``template_create`` / ``template_update``."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "input_scripts": data["input_scripts"],
            "out_profiles": list(data["out_profiles"])
            + [name.strip() for name in data["extra_profiles"].split(",") if name.strip()],
        }

    def add_app_error(self, exc: AppError) -> None:
        if exc.entry in PROFILE_ERRORS:
            field = "out_profiles"
        elif exc.entry in NON_FIELD_ERRORS:
            field = None
        elif exc.param in ("name", "description"):
            field = exc.param
        else:
            field = "input_scripts"
        self.add_error(field, error_html(exc))


class SampleRenderForm(forms.Form):
    """One field per input the script declares (and per ``$variable`` no input declares)."""

    video_name = forms.CharField(label="Video name", max_length=200, required=False)

    def __init__(self, *args, account: Account, script: Script, **kwargs):
        super().__init__(*args, **kwargs)
        self.input_types: dict[str, str] = {}
        for input_id, itype in script.input_types().items():
            field_name = f"input_{input_id}"
            self.input_types[field_name] = itype
            if itype == "text":
                self.fields[field_name] = forms.CharField(label=f"${input_id} (text)", max_length=1000)
            else:
                _, medias = media_selectors.media_list(account=account, kind=itype, limit=200)
                choices = [(m.public_id, f"{m.filename or m.public_id} ({m.public_id})") for m in medias]
                self.fields[field_name] = forms.ChoiceField(
                    label=f"{input_id} ({itype} from the library)", choices=[("", "— choose —"), *choices]
                )

    def input_medias(self) -> list[dict]:
        items = []
        for field_name, itype in self.input_types.items():
            value = self.cleaned_data[field_name]
            source = "text" if itype == "text" else "mediaID"
            items.append({"inputID": field_name.removeprefix("input_"), "type": itype, source: value})
        return items

    def add_app_error(self, exc: AppError) -> None:
        data = exc.data
        input_id = None
        if isinstance(data, dict):
            input_id = data.get("inputID")
        elif isinstance(data, list) and data:
            input_id = data[0]
        elif isinstance(data, str) and exc.param in ("inputID", "mediaID"):
            input_id = data
        field = f"input_{input_id}" if input_id and f"input_{input_id}" in self.fields else None
        if field is None and exc.param == "mediaID":
            field = next((f for f, v in self.cleaned_data.items() if v == data), None)
        self.add_error(field, error_html(exc))
