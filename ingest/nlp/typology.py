"""ACLED's event typology: the one table read by the NLP, the models, the API, the exports and
the pages.

Every event has an ACLED ``event_type`` and ``sub_event_type`` (stored as the slugs below, shown
and exported as ACLED's labels) and a short ``kind`` (``events.choices.EventType``): what the
event means to the control log and how the map draws it. A change of territorial control is one
of the three territory sub-types; a siege or encirclement is kind ``siege`` (its sub-type is an
armed clash when fighting is told, else "Other"), which the control log reads as contested.

Free of Django: ``events.choices`` builds its choices from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

# ACLED event types: slug -> ACLED's label.
EVENT_TYPES: dict[str, str] = {
    "battles": "Battles",
    "explosions_remote_violence": "Explosions/Remote violence",
    "violence_against_civilians": "Violence against civilians",
    "strategic_developments": "Strategic developments",
    "protests": "Protests",
    "riots": "Riots",
}


@dataclass(frozen=True, slots=True)
class SubEventType:
    """One ACLED sub-event type: its slug, ACLED's label, its event type and our short kind."""

    slug: str
    label: str
    event_type: str  # a key of EVENT_TYPES
    kind: str  # events.choices.EventType value: the event's meaning to the control log
    territory: bool = False  # a change of territorial control


SUB_EVENT_TYPES: tuple[SubEventType, ...] = (
    SubEventType("armed_clash", "Armed clash", "battles", "battle"),
    SubEventType("government_regains_territory", "Government regains territory", "battles",
                 "control_change", territory=True),
    SubEventType("non_state_actor_overtakes_territory", "Non-state actor overtakes territory",
                 "battles", "control_change", territory=True),
    SubEventType("air_drone_strike", "Air/drone strike", "explosions_remote_violence",
                 "air_strike"),
    SubEventType("shelling_artillery_missile_attack", "Shelling/artillery/missile attack",
                 "explosions_remote_violence", "shelling"),
    SubEventType("remote_explosive_landmine_ied", "Remote explosive/landmine/IED",
                 "explosions_remote_violence", "explosion"),
    SubEventType("suicide_bomb", "Suicide bomb", "explosions_remote_violence", "explosion"),
    SubEventType("chemical_weapon", "Chemical weapon", "explosions_remote_violence",
                 "explosion"),
    SubEventType("grenade", "Grenade", "explosions_remote_violence", "explosion"),
    SubEventType("attack", "Attack", "violence_against_civilians", "attack"),
    SubEventType("abduction_forced_disappearance", "Abduction/forced disappearance",
                 "violence_against_civilians", "attack"),
    SubEventType("sexual_violence", "Sexual violence", "violence_against_civilians", "attack"),
    SubEventType("agreement", "Agreement", "strategic_developments", "agreement"),
    SubEventType("arrests", "Arrests", "strategic_developments", "other"),
    SubEventType("change_to_group_activity", "Change to group/activity",
                 "strategic_developments", "other"),
    SubEventType("disrupted_weapons_use", "Disrupted weapons use", "strategic_developments",
                 "other"),
    SubEventType("headquarters_or_base_established", "Headquarters or base established",
                 "strategic_developments", "other"),
    SubEventType("looting_property_destruction", "Looting/property destruction",
                 "strategic_developments", "other"),
    SubEventType("non_violent_transfer_of_territory", "Non-violent transfer of territory",
                 "strategic_developments", "control_change", territory=True),
    SubEventType("other", "Other", "strategic_developments", "other"),
    SubEventType("peaceful_protest", "Peaceful protest", "protests", "protest"),
    SubEventType("protest_with_intervention", "Protest with intervention", "protests",
                 "protest"),
    SubEventType("excessive_force_against_protesters", "Excessive force against protesters",
                 "protests", "protest"),
    SubEventType("violent_demonstration", "Violent demonstration", "riots", "protest"),
    SubEventType("mob_violence", "Mob violence", "riots", "protest"),
)
SUB_EVENT_TYPE = {s.slug: s for s in SUB_EVENT_TYPES}
SUB_EVENT_TYPE_BY_LABEL = {s.label.lower(): s for s in SUB_EVENT_TYPES}

# Our short kinds (events.choices.EventType): value -> label. ``siege`` has no sub-type of its
# own; ``casualties`` and ``displacement`` are kept only for rows older than the typology (new
# extractions give such counts to the incident, or as figures).
KINDS: dict[str, str] = {
    "control_change": "Change of territorial control",
    "battle": "Battle",
    "siege": "Siege or encirclement",
    "air_strike": "Air strike",
    "shelling": "Shelling",
    "explosion": "Explosion or remote violence",
    "attack": "Violence against civilians",
    "agreement": "Agreement",
    "protest": "Protest or riot",
    "other": "Other",
    "displacement": "Displacement (before the typology)",
    "casualties": "Casualties (before the typology)",
}

# The sub-type a kind gets when nothing finer is known (older rows, editors picking a kind).
DEFAULT_SUB_EVENT_TYPE: dict[str, str] = {
    "control_change": "non_state_actor_overtakes_territory",
    "battle": "armed_clash",
    "siege": "armed_clash",
    "air_strike": "air_drone_strike",
    "shelling": "shelling_artillery_missile_attack",
    "explosion": "remote_explosive_landmine_ied",
    "attack": "attack",
    "agreement": "agreement",
    "protest": "peaceful_protest",
    "other": "other",
    "displacement": "other",
    "casualties": "other",
}

# Kinds of the cumulative figures (not events): totals over a period.
FIGURE_KINDS: dict[str, str] = {
    "killed": "Killed",
    "injured": "Injured",
    "displaced": "Displaced",
    "other": "Other",
}


def event_type_of(sub_event_type: str) -> str:
    """The ACLED event type slug of a sub-type slug."""
    return SUB_EVENT_TYPE[sub_event_type].event_type


def territory_sub_type(*, gainer_is_state: bool, violent: bool = True) -> str:
    """The territory sub-type of a change of control, as ACLED chooses it."""
    if not violent:
        return "non_violent_transfer_of_territory"
    return ("government_regains_territory" if gainer_is_state
            else "non_state_actor_overtakes_territory")
