"""Health-specific defaults for the moderators' word lists; moderators edit or disable them in the admin."""

from django.db import migrations

DEFAULT_WORDS = [
    # (kind, label, pattern, is_regex)
    ("hold", "dose", r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|units?|iu|ml)\b", True),
    *[
        ("hold", "drug name", name, False)
        for name in [
            "botox",
            "onabotulinumtoxinA",
            "sumatriptan",
            "rizatriptan",
            "zolmitriptan",
            "topiramate",
            "propranolol",
            "amitriptyline",
            "candesartan",
            "pizotifen",
            "erenumab",
            "fremanezumab",
            "galcanezumab",
            "eptinezumab",
            "rimegepant",
            "atogepant",
            "aimovig",
            "ajovy",
            "emgality",
            "vyepti",
            "imigran",
            "topamax",
        ]
    ],
    ("hold", "claim", r"\bcur(?:e|es|ed|ing)\b", True),
    ("hold", "claim", r"\bmiracles?\b|\bmiraculous\b", True),
    *[
        ("self_harm", "self-harm", phrase, False)
        for phrase in [
            "kill myself",
            "killing myself",
            "suicide",
            "suicidal",
            "end my life",
            "ending my life",
            "self-harm",
            "self harm",
            "hurt myself",
            "want to die",
        ]
    ],
    *[
        ("spam", "spam word", word, False)
        for word in ["casino", "viagra", "cialis", "payday loan", "seo services", "crypto trading", "escort service"]
    ],
]


def add_defaults(apps, schema_editor):
    ModerationWord = apps.get_model("comments", "ModerationWord")
    for kind, label, pattern, is_regex in DEFAULT_WORDS:
        ModerationWord.objects.get_or_create(
            kind=kind, pattern=pattern, defaults={"label": label, "is_regex": is_regex}
        )


def remove_defaults(apps, schema_editor):
    ModerationWord = apps.get_model("comments", "ModerationWord")
    for kind, _, pattern, _ in DEFAULT_WORDS:
        ModerationWord.objects.filter(kind=kind, pattern=pattern).delete()


class Migration(migrations.Migration):
    dependencies = [("comments", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
