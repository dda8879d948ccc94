import json

import pytest

from accounts.models import Plan
from conftest import RpcError, make_tenant
from videos.tests.helpers import PROFILE, greeting_script, new_template

pytestmark = pytest.mark.django_db


def code_of(call, *args):
    with pytest.raises(RpcError) as info:
        call(*args)
    return info.value


def test_template_crud(rpc):
    created = new_template(rpc, greeting_script(), name="Greeting")
    assert len(created["templateID"]) == 24 and len(created["templateSecret"]) == 64
    assert created["status"] == "active" and created["outProfiles"] == [PROFILE]
    got = rpc("Template_Get", created["templateID"])
    assert "templateSecret" not in got
    assert json.loads(got["inputScripts"]) == greeting_script()
    updated = rpc("Template_Update", created["templateID"], {"name": "Renamed", "outProfiles": ["GIF_320x240_10fps"]})
    assert updated["name"] == "Renamed" and updated["outProfiles"] == ["GIF_320x240_10fps"]
    assert rpc("Template_List")["total"] == 1
    assert rpc("Template_SetStatus", created["templateID"], "inactive")["status"] == "inactive"
    rotated = rpc("Template_RotateSecret", created["templateID"])
    assert rotated["templateSecret"] != created["templateSecret"]
    assert rpc("Template_Delete", created["templateID"]) is True
    assert code_of(rpc, "Template_Get", created["templateID"]).code == 1000


def test_script_string_accepted(rpc):
    created = rpc(
        "Template_New", {"name": "s", "inputScripts": json.dumps(greeting_script()), "outProfiles": [PROFILE]}
    )
    assert json.loads(created["inputScripts"]) == greeting_script()


@pytest.mark.parametrize(
    ("scripts", "code", "element"),
    [
        (None, 1009, None),
        ({"elements": []}, 1009, None),
        ("{not json", 1005, None),
        ({"elements": [{"id": "a", "type": "text", "text": "x", "duration": 1, "play": "b.end"}]}, 1005, "a"),
        (
            {
                "elements": [
                    {"id": "a", "type": "text", "text": "x", "duration": 1, "play": "b.end"},
                    {"id": "b", "type": "text", "text": "y", "duration": 1, "play": "a.end"},
                ]
            },
            1005,
            None,
        ),
        ({"elements": [{"id": "c", "type": "cta", "text": "Buy", "duration": 1}]}, 2006, None),
        ({"elements": [{"id": "c", "type": "cta", "duration": 1, "play": 0}]}, 2007, None),
        (
            {
                "elements": [
                    {"id": "c", "type": "cta", "text": "A", "duration": 1, "play": 0},
                    {"id": "d", "type": "cta", "text": "B", "duration": 2, "play": 0},
                ]
            },
            2007,
            None,
        ),
        (
            {
                "elements": [
                    {"id": "c", "type": "cta", "text": "A", "duration": 2, "play": 0},
                    {"id": "d", "type": "cta", "text": "B", "duration": 1, "play": 1},
                ]
            },
            2007,
            None,
        ),
        ({"elements": [{"id": "i", "type": "image", "duration": 1, "source": {"mediaID": "0" * 24}}]}, 1001, None),
    ],
)
def test_script_errors(rpc, scripts, code, element):
    error = code_of(rpc, "Template_New", {"name": "t", "inputScripts": scripts, "outProfiles": [PROFILE]})
    assert error.code == code, error.data
    if element:
        assert error.data["element"] == element
    assert rpc("Template_List")["total"] == 0


def test_cycle_names_an_element(rpc):
    script = {
        "elements": [
            {"id": "a", "type": "text", "text": "x", "duration": 1, "play": "b.end"},
            {"id": "b", "type": "text", "text": "y", "duration": 1, "play": "a.end"},
        ]
    }
    error = code_of(rpc, "Template_New", {"inputScripts": script, "outProfiles": [PROFILE]})
    assert error.data["element"] in ("a", "b") and "cycle" in error.data["reason"]


def test_media_of_another_account_is_not_found(rpc, other_rpc, upload, other_tenant, media_samples):
    foreign = upload(other_tenant, media_samples / "photo.jpg", "image/jpeg").json()["mediaID"]
    script = {"elements": [{"id": "i", "type": "image", "duration": 1, "source": {"mediaID": foreign}}]}
    assert code_of(rpc, "Template_New", {"inputScripts": script, "outProfiles": [PROFILE]}).code == 1001
    assert other_rpc("Template_New", {"inputScripts": script, "outProfiles": [PROFILE]})["templateID"]


@pytest.mark.parametrize(
    ("profiles", "code", "message"),
    [
        ([], 1032, "No video profiles in template"),
        ([PROFILE, PROFILE], 1032, "Duplicated profile name"),
        (["AVI_DIVX_640x480_24fps"], 2002, "Video profile not allowed"),
        (["MP4_H264_AAC_100x100_24fps"], 2002, "Video profile not allowed"),
    ],
)
def test_profile_errors(rpc, profiles, code, message):
    error = code_of(rpc, "Template_New", {"inputScripts": greeting_script(), "outProfiles": profiles})
    assert (error.code, error.message) == (code, message)


def test_plan_limits(db, client):
    from conftest import RpcCaller

    free = make_tenant("Free", "free@example.test", plan="free")
    call = RpcCaller(client, free)
    # custom profile on a plan without custom profiles: 1032
    error = code_of(call, "Template_New", {"inputScripts": greeting_script(), "outProfiles": [PROFILE]})
    assert (error.code, error.message) == (1032, "This account type does not allow custom video profiles")
    # a catalog profile the plan does not allow: 2002
    error = code_of(
        call, "Template_New", {"inputScripts": greeting_script(), "outProfiles": ["MP4_H264_AAC_1280x720_30fps"]}
    )
    assert error.code == 2002
    # too many elements: 2003
    many = {"elements": [{"id": f"t{i}", "type": "text", "text": "x", "duration": 1} for i in range(11)]}
    assert code_of(call, "Template_New", {"inputScripts": many, "outProfiles": ["GIF_320x240_10fps"]}).code == 2003
    # max templates: 2005
    for _ in range(3):
        call("Template_New", {"inputScripts": greeting_script(), "outProfiles": ["GIF_320x240_10fps"]})
    error = code_of(call, "Template_New", {"inputScripts": greeting_script(), "outProfiles": ["GIF_320x240_10fps"]})
    assert (error.code, error.message) == (2005, "Max templates reached")
    assert Plan.objects.get(code="free").max_templates == 3


def test_tenant_isolation(rpc, other_rpc):
    template = new_template(rpc, greeting_script())
    tid = template["templateID"]
    for method, args in [
        ("Template_Get", [tid]),
        ("Template_Update", [tid, {"name": "x"}]),
        ("Template_Delete", [tid]),
        ("Template_SetStatus", [tid, "inactive"]),
        ("Template_RotateSecret", [tid]),
        ("Template_Video_New", [tid, {"inputMedias": []}]),
        ("Template_Video_List", [tid]),
    ]:
        assert code_of(other_rpc, method, *args).code == 1000, method
    assert other_rpc("Template_List")["total"] == 0
    assert rpc("Template_Get", tid)["status"] == "active"
