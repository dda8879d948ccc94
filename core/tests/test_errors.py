from core import errors
from core.errors import AppError

SEED_TABLE = """1000 Template not found|1001 Media not found|1002 MediaID not found in scripts|1003 Inputs not allowed for this template
|1004 Scripts inputs and medias mismatch|1005 Bad script|1006 Video file not found|1007 Video not found|1008 Media in use in templates
|1009 No scripts|1010 Account not found|1011 Error downloading medias|1012 Error processing video|1013 Error uploading to Youtube
|1014 Youtube Account not Found|1015 Authentication error|1016 Email already used|1017 Bad password|1018 Bad secret
|1019 No size specified (content-length)|1020 Invalid Content-Type|1021 Account not active|1023 Youtube upload bad token
|1025 Account type not found|1026 Payment client error|1027 Payment mismatch|1028 Template inactive|1029 Bad input media
|1030 Error deleting video files|1031 Video is not in Youtube|1032 This account type does not allow custom video profiles
|1032 No video profiles in template|1032 Duplicated profile name
|1033 Your account was locked after too many failed login attempts. Please try again later.
|2000 Stored videos size limit reached|2001 Stored medias size limit reached|2002 Video profile not allowed
|2003 Too much free objects in template|2004 No credit|2005 Max templates reached|2005 Not all variables defined
|2006 CTA start time cannot be empty.|2007 Atleast one field must be specified.
|2007 More than one elements have the same start time.|2007 More than one elements have the same end time.|5000 Internal Error
|2004 Please upgrade your account to use Static Templates with Pirsonal Player"""


def test_every_seed_entry_is_in_the_catalog_once():
    seed = [line.strip() for line in SEED_TABLE.replace("\n", "").split("|")]
    catalog = [f"{e.code} {e.message}" for e in errors.catalog()]
    for entry in seed:
        assert catalog.count(entry) == 1, entry


def test_rest_and_rpc_shapes():
    error = AppError(errors.TEMPLATE_NOT_FOUND, param="templateId", data={"templateID": "x"})
    assert error.rpc_error() == {"code": 1000, "message": "Template not found", "data": {"templateID": "x"}}
    body = error.rest_error()["error"]
    assert body == {
        "code": "template_not_found",
        "message": "Template not found",
        "param": "templateId",
        "type": "not_found_error",
        "number": 1000,
    }
    assert errors.TEMPLATE_NOT_FOUND.http_status == 404
    rest_only = AppError(errors.INVALID_REQUEST, param="Fields").rest_error()["error"]
    assert rest_only["code"] == rest_only["type"] == "invalid_request_error"


def test_rest_codes_are_stable_distinct_strings():
    slugs = [entry.slug for entry in errors.catalog()]
    assert len(set(slugs)) == len(slugs) and all(slug.replace("_", "").isalpha() for slug in slugs)
    named = {errors.TEMPLATE_NOT_FOUND: "template_not_found", errors.NO_CREDIT: "no_credit"}
    named |= {errors.ACCOUNT_LOCKED: "account_locked", errors.INVALID_REQUEST: "invalid_request_error"}
    for entry, slug in named.items():
        assert AppError(entry).rest_error()["error"]["code"] == slug


def test_rest_validation_errors_name_the_list_position():
    from rest_framework import serializers

    from core.rest import app_error_for

    class Row(serializers.Serializer):
        qty = serializers.IntegerField()

    class Body(serializers.Serializer):
        rows = Row(many=True)

    body = Body(data={"rows": [{"qty": 1}, {"qty": "many"}]})
    assert not body.is_valid()
    error = app_error_for(serializers.ValidationError(body.errors))
    assert error.param == "rows.1.qty"
