# The working-day calendar moved to orgs (every service line uses it): copy the days across, then drop ours.

from django.db import migrations


def copy_days(apps, schema_editor):
    Old = apps.get_model("custody", "CalendarDay")
    New = apps.get_model("orgs", "CalendarDay")
    New.objects.bulk_create([New(date=d.date, workday=d.workday, name=d.name) for d in Old.objects.all()],
                            ignore_conflicts=True)


def copy_back(apps, schema_editor):
    Old = apps.get_model("custody", "CalendarDay")
    New = apps.get_model("orgs", "CalendarDay")
    Old.objects.bulk_create([Old(date=d.date, workday=d.workday, name=d.name) for d in New.objects.all()])


class Migration(migrations.Migration):

    dependencies = [
        ("custody", "0001_initial"),
        ("orgs", "0002_calendarday"),
    ]

    operations = [
        migrations.RunPython(copy_days, copy_back),
        migrations.DeleteModel(name="CalendarDay"),
    ]
