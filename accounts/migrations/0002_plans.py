from django.db import migrations

GB = 1024**3
MB = 1024**2

PLANS = [
    {
        "code": "free",
        "name": "Free",
        "max_video_bytes": 1 * GB,
        "max_media_bytes": 500 * MB,
        "allowed_profiles": ["MP4_H264_AAC_640x480_24fps", "MP4_H264_AAC_640x360_24fps", "GIF_320x240_10fps"],
        "custom_profiles": False,
        "max_objects_per_template": 10,
        "max_templates": 3,
        "monthly_credits": 50,
        "rate_limit_per_minute": 120,
    },
    {
        "code": "pro",
        "name": "Pro",
        "max_video_bytes": 20 * GB,
        "max_media_bytes": 10 * GB,
        "allowed_profiles": [],
        "custom_profiles": True,
        "max_objects_per_template": 50,
        "max_templates": 50,
        "monthly_credits": 1000,
        "rate_limit_per_minute": 600,
    },
    {
        "code": "business",
        "name": "Business",
        "max_video_bytes": 200 * GB,
        "max_media_bytes": 100 * GB,
        "allowed_profiles": [],
        "custom_profiles": True,
        "max_objects_per_template": 200,
        "max_templates": 1000,
        "monthly_credits": 10000,
        "rate_limit_per_minute": 3000,
    },
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    for plan in PLANS:
        Plan.objects.update_or_create(code=plan["code"], defaults=plan)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
