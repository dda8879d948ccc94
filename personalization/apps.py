from django.apps import AppConfig


class PersonalizationConfig(AppConfig):
    name = "personalization"
