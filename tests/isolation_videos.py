"""Tenant-isolation cases of the media, template and video methods (registered on import)."""

from __future__ import annotations

from media_app.models import MediaFile
from templates_app import services as template_services
from tests.isolation import rpc_case
from videos.models import PageBranding, Video

SCRIPT = {"elements": [{"id": "t", "type": "text", "text": "Hello", "duration": 1}]}
PROFILES = ["GIF_320x240_10fps"]


def _template(other_tenant):
    template, _ = template_services.template_create(
        account=other_tenant.account, name="theirs", input_scripts=SCRIPT, out_profiles=PROFILES
    )
    return template


def _media(other_tenant) -> MediaFile:
    return MediaFile.objects.create(
        account=other_tenant.account, kind="image", mime="image/png", size=10, storage_key="media/x/none.png"
    )


def _video(other_tenant) -> Video:
    template = _template(other_tenant)
    return Video.objects.create(account=other_tenant.account, template=template, template_public_id=template.public_id)


for _method, _extra in [
    ("Template_Get", []),
    ("Template_Update", [{"name": "mine now"}]),
    ("Template_Delete", []),
    ("Template_SetStatus", ["inactive"]),
    ("Template_RotateSecret", []),
    ("Template_Video_New", [{"inputMedias": []}]),
    ("Template_Video_List", []),
]:
    rpc_case(_method, 1000)(lambda other, extra=_extra: [_template(other).public_id, *extra])

for _method, _extra in [("Media_Get", []), ("Media_Delete", []), ("Media_Apply_Pattern", ["audiolevel", "info", "{}"])]:
    rpc_case(_method, 1001)(lambda other, extra=_extra: [_media(other).public_id, *extra])

for _method, _extra in [
    ("Video_Get", []),
    ("Video_Update", [{"name": "mine now"}]),
    ("Video_Update_Metadata", ["x"]),
    ("Video_Delete", []),
    ("Video_Get_Links", []),
    ("Video_Get_Page", []),
    ("Video_Get_Stats", []),
]:
    rpc_case(_method, 1007)(lambda other, extra=_extra: [_video(other).public_id, *extra])

rpc_case("Template_Get_Stats", 1000)(lambda other: [_template(other).public_id])
rpc_case("Template_Get_Page_Branding", 1000)(lambda other: [_template(other).public_id])


def _their_branding_untouched(result, other_tenant):
    assert not PageBranding.objects.for_account(other_tenant.account).exists()


rpc_case("Template_Set_Page_Branding", 1000, check=_their_branding_untouched)(
    lambda other: [_template(other).public_id, "Mine now"]
)


def _their_page_still_live(result, other_tenant):
    assert Video.objects.for_account(other_tenant.account).get().page_key == "theirs-live-page"


@rpc_case("Video_Revoke_Page", 1007, check=_their_page_still_live)
def _their_page(other_tenant):
    video = _video(other_tenant)
    Video.objects.for_account(other_tenant.account).filter(pk=video.pk).update(page_key="theirs-live-page")
    return [video.public_id]


@rpc_case("Template_New", 1001)
def _script_naming_their_media(other_tenant):
    media = _media(other_tenant).public_id
    script = {"elements": [{"id": "i", "type": "image", "duration": 1, "source": {"mediaID": media}}]}
    return [{"name": "t", "inputScripts": script, "outProfiles": PROFILES}]


def _sees_nothing(result, other_tenant):
    assert result["total"] == 0 and result["items"] == []


@rpc_case("Media_List", check=_sees_nothing)
def _their_media(other_tenant):
    _media(other_tenant)
    return []


@rpc_case("Template_List", check=_sees_nothing)
def _their_templates(other_tenant):
    _template(other_tenant)
    return []
