"""ACLED's typology on every event (event_type, sub_event_type), injured counts, background
events, and figures (totals over a period) as a model of their own.

Today's rows get the sub-type of their kind (ingest/nlp/typology.py's DEFAULT_SUB_EVENT_TYPE
as of this migration, written out here so that later changes to the table do not change
what it did); a change of control is "Government regains territory" when its gaining actor
is state forces, else "Non-state actor overtakes territory". Old ``casualties`` and
``displacement`` events stay as they are, with the sub-type "Other" and their kind labelled
"(before the typology)": whether a count was one incident's or a period's total cannot be
told from the row, so nothing is guessed; re-extracting their articles (``reextract
--outdated``) replaces the machine-made ones by incidents' counts and figures, and what an
editor touched stays for the editor to recode. Imported ACLED events get their real
sub-types back by importing the file again.
"""

import django.db.models.deletion
from django.db import migrations, models


# Kind -> sub-type, and sub-type -> ACLED event type, as of this migration.
SUB_TYPE_OF_KIND = {
    "control_change": "non_state_actor_overtakes_territory",
    "battle": "armed_clash",
    "siege": "armed_clash",
    "air_strike": "air_drone_strike",
    "shelling": "shelling_artillery_missile_attack",
    "agreement": "agreement",
}
EVENT_TYPE_OF_SUB_TYPE = {
    "non_state_actor_overtakes_territory": "battles",
    "government_regains_territory": "battles",
    "armed_clash": "battles",
    "air_drone_strike": "explosions_remote_violence",
    "shelling_artillery_missile_attack": "explosions_remote_violence",
    "agreement": "strategic_developments",
}


def _case(column: str, mapping: dict, default: str) -> tuple[str, list]:
    whens = " ".join("WHEN %s THEN %s" for _ in mapping)
    params = [value for pair in mapping.items() for value in pair]
    return f"CASE {column} {whens} ELSE %s END", [*params, default]


def code_rows(apps, schema_editor):
    """Today's events in ACLED's typology: three statements whatever the number of rows."""
    Event = apps.get_model("events", "Event")
    EventActor = apps.get_model("events", "EventActor")
    Actor = apps.get_model("events", "Actor")
    events, roles, actors = (m._meta.db_table for m in (Event, EventActor, Actor))
    sub_type, params = _case("type", SUB_TYPE_OF_KIND, "other")
    event_type, more = _case("sub_event_type", EVENT_TYPE_OF_SUB_TYPE, "strategic_developments")
    with schema_editor.connection.cursor() as cursor:
        # Foreign keys are checked at once, not at commit: PostgreSQL refuses the new fields'
        # indexes (built after this) in a transaction with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"UPDATE {events} SET sub_event_type = {sub_type}", params)
        # The first gaining actor (by name, as the exports read it) decides.
        cursor.execute(f"""
            UPDATE {events} e SET sub_event_type = 'government_regains_territory'
            WHERE e.type = 'control_change' AND (
                SELECT a.kind FROM {roles} ea JOIN {actors} a ON a.id = ea.actor_id
                WHERE ea.event_id = e.id AND ea.role = 'gains_control'
                ORDER BY a.name LIMIT 1) = 'state_forces'""")
        cursor.execute(f"UPDATE {events} SET event_type = {event_type}", more)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0009_held_flip_index_holder'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='background',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='event',
            name='event_type',
            field=models.CharField(choices=[('battles', 'Battles'), ('explosions_remote_violence', 'Explosions/Remote violence'), ('violence_against_civilians', 'Violence against civilians'), ('strategic_developments', 'Strategic developments'), ('protests', 'Protests'), ('riots', 'Riots')], db_index=True, default='', max_length=30),
        ),
        migrations.AddField(
            model_name='event',
            name='injured',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='sub_event_type',
            field=models.CharField(choices=[('armed_clash', 'Armed clash'), ('government_regains_territory', 'Government regains territory'), ('non_state_actor_overtakes_territory', 'Non-state actor overtakes territory'), ('air_drone_strike', 'Air/drone strike'), ('shelling_artillery_missile_attack', 'Shelling/artillery/missile attack'), ('remote_explosive_landmine_ied', 'Remote explosive/landmine/IED'), ('suicide_bomb', 'Suicide bomb'), ('chemical_weapon', 'Chemical weapon'), ('grenade', 'Grenade'), ('attack', 'Attack'), ('abduction_forced_disappearance', 'Abduction/forced disappearance'), ('sexual_violence', 'Sexual violence'), ('agreement', 'Agreement'), ('arrests', 'Arrests'), ('change_to_group_activity', 'Change to group/activity'), ('disrupted_weapons_use', 'Disrupted weapons use'), ('headquarters_or_base_established', 'Headquarters or base established'), ('looting_property_destruction', 'Looting/property destruction'), ('non_violent_transfer_of_territory', 'Non-violent transfer of territory'), ('other', 'Other'), ('peaceful_protest', 'Peaceful protest'), ('protest_with_intervention', 'Protest with intervention'), ('excessive_force_against_protesters', 'Excessive force against protesters'), ('violent_demonstration', 'Violent demonstration'), ('mob_violence', 'Mob violence')], blank=True, db_index=True, default='', help_text="Left empty, the kind's own is set.", max_length=40),
        ),
        migrations.AlterField(
            model_name='event',
            name='type',
            field=models.CharField(choices=[('control_change', 'Change of territorial control'), ('battle', 'Battle'), ('siege', 'Siege or encirclement'), ('air_strike', 'Air strike'), ('shelling', 'Shelling'), ('explosion', 'Explosion or remote violence'), ('attack', 'Violence against civilians'), ('agreement', 'Agreement'), ('protest', 'Protest or riot'), ('other', 'Other'), ('displacement', 'Displacement (before the typology)'), ('casualties', 'Casualties (before the typology)')], max_length=20),
        ),
        migrations.CreateModel(
            name='Figure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('killed', 'Killed'), ('injured', 'Injured'), ('displaced', 'Displaced'), ('other', 'Other')], max_length=10)),
                ('count', models.PositiveBigIntegerField()),
                ('period_start', models.DateField(blank=True, null=True)),
                ('period_end', models.DateField(blank=True, db_index=True, help_text='The date the total is told for.', null=True)),
                ('sentence', models.TextField()),
                ('start', models.PositiveIntegerField(blank=True, null=True)),
                ('end', models.PositiveIntegerField(blank=True, null=True)),
                ('extractor_version', models.CharField(blank=True, max_length=40)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('actors', models.ManyToManyField(blank=True, related_name='figures', to='events.actor')),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='events.article')),
                ('place', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='figures', to='events.place')),
            ],
            options={
                'ordering': ['-period_end', '-id'],
                'indexes': [models.Index(fields=['kind', 'period_end'], name='figure_kind_date')],
                'constraints': [models.CheckConstraint(condition=models.Q(('period_start__isnull', True), ('period_end__isnull', True), ('period_end__gte', models.F('period_start')), _connector='OR'), name='figure_period_order')],
            },
        ),
        migrations.RunPython(code_rows, migrations.RunPython.noop),
    ]
