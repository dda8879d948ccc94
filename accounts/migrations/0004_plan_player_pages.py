from django.db import migrations, models

PLAYER_PAGES = {"free": False, "pro": True, "business": True}


def set_player_pages(apps, schema_editor):
    Plan = apps.get_model("accounts", "Plan")
    for code, allowed in PLAYER_PAGES.items():
        Plan.objects.filter(code=code).update(player_pages=allowed)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_apikey_unique_per_account")]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="player_pages",
            field=models.BooleanField(default=True, help_text="May publish player pages /p/<token> (2004)"),
        ),
        migrations.RunPython(set_player_pages, migrations.RunPython.noop),
    ]
