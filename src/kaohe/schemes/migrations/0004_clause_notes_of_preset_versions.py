"""Fill the clause notes of the versions made from a preset before notes were kept: the
preset's comments, for the elements the stored definition still holds."""

from django.db import migrations


def fill(apps, schema_editor):
    from kaohe.presets import UnknownPresetError, preset_text
    from kaohe.schemes.notes import kept, preset_notes

    SchemeVersion = apps.get_model("schemes", "SchemeVersion")
    by_preset: dict[str, dict[str, dict[str, str]]] = {}
    versions = SchemeVersion.objects.filter(notes={}).exclude(scheme__preset="")
    for version in versions.select_related("scheme").iterator():
        preset = version.scheme.preset
        if preset not in by_preset:
            try:
                text = preset_text(preset)
            except UnknownPresetError:
                by_preset[preset] = {}
                continue
            import yaml

            codes = [str(s.get("id")) for s in yaml.safe_load(text).get("schemes", [])]
            by_preset[preset] = dict(zip(codes, preset_notes(text), strict=False))
        found = by_preset[preset].get(version.scheme.code)
        if found:
            version.notes = kept(found, version.definition)
            version.save(update_fields=["notes"])


def empty(apps, schema_editor):
    apps.get_model("schemes", "SchemeVersion").objects.update(notes={})


class Migration(migrations.Migration):
    dependencies = [("schemes", "0003_schemeversion_clause_notes")]  # noqa: RUF012

    operations = [migrations.RunPython(fill, empty)]  # noqa: RUF012
