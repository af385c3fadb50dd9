"""A hand-built control history shared by the control-log and API tests.

A town held by A from 1 Jan 2020, besieged by B from 1 Feb, taken by B on 10 Feb, fought
over 1–3 March, retaken by A on 1 April: every event written through the services, so the
control log is filled the way the product fills it.
"""

import datetime as dt

from events import services
from events.choices import ActorRole, EventType

D = dt.date


def capture(place, day, gainer, loser=None):
    actors = [(gainer, ActorRole.GAINS_CONTROL)]
    if loser:
        actors.append((loser, ActorRole.LOSES_CONTROL))
    return services.event_create(values={"type": EventType.CONTROL_CHANGE, "date": day,
                                         "place": place, "confidence": 0.9}, actors=actors)


def contest(place, day, attacker, type_=EventType.SIEGE, end=None):
    return services.event_create(values={"type": type_, "date": day, "end_date": end,
                                         "place": place, "confidence": 0.8},
                                 actors=[(attacker, ActorRole.INITIATOR)])


def build_timeline(town, a, b) -> dict:
    """The five events of the town's history, by name."""
    return {
        "a_takes": capture(town, D(2020, 1, 1), a),
        "b_siege": contest(town, D(2020, 2, 1), b),
        "b_takes": capture(town, D(2020, 2, 10), b, a),
        "battle": contest(town, D(2020, 3, 1), a, EventType.BATTLE, end=D(2020, 3, 3)),
        "a_retakes": capture(town, D(2020, 4, 1), a, b),
    }
