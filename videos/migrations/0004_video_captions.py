from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('videos', '0003_player_pages'),
    ]

    operations = [
        migrations.AddField(
            model_name='video',
            name='captions',
            field=models.JSONField(default=list, help_text="The script's texts as rendered, with their times: the player page's captions track"),
        ),
    ]
