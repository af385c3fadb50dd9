"""The actor and accord registry as data files, read without Django.

Each YAML file under ``events/registry/`` describes one conflict::

    conflict: Syrian civil war
    actors:
      - name: Syrian government forces        # canonical name, unique across files
        kind: state_forces                    # events.choices.ActorKind
        country: SY
        acled: ["Military Forces of Syria (2000-)"]
        aliases: ["Assad regime", "regime forces", "SAA"]
        parent: null                          # name of the larger force, if a unit
        backed_by:
          - {actor: Russian armed forces, start: 2015-09-30, end: null}
    accords:
      - name: Astana memorandum on de-escalation zones
        kind: de_escalation                   # events.choices.AccordKind
        signed: 2017-05-04
        start: 2017-05-06
        end: null
        aliases: ["Astana accords"]
        parties: [...]
        guarantors: [Russian armed forces, Turkish armed forces, Iranian armed forces]
        places: [164816]                      # GeoNames ids it covers

Editors grow the registry in the database; these files seed it and let the NLP run
without a database (benchmarks, ``extract`` on a bare checkout).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import yaml

from .types import RegistryAccord, RegistryActor

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "events" / "registry"


class RegistryError(ValueError):
    """A registry file that cannot be read; the message names the file and the entry."""


def _iso(value) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise RegistryError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _strings(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RegistryError(f"{where}: expected a list of strings")
    return tuple(value)


def registry_files(directory: Path = DEFAULT_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yaml"))


def load_registry(paths: Iterable[Path] | None = None
                  ) -> tuple[list[RegistryActor], list[RegistryAccord]]:
    """Actors and accords of the given files (default: every file of the registry)."""
    actors: dict[str, RegistryActor] = {}
    accords: dict[str, RegistryAccord] = {}
    for path in paths if paths is not None else registry_files():
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise RegistryError(f"{path}: not valid YAML: {exc}") from None
        for i, raw in enumerate(data.get("actors") or []):
            where = f"{path}: actor #{i + 1} ({raw.get('name', '?')})"
            try:
                actor = RegistryActor(
                    name=str(raw["name"]).strip(),
                    kind=raw.get("kind", "other"),
                    country_code=raw.get("country") or "",
                    aliases=_strings(raw.get("aliases"), where),
                    acled_names=_strings(raw.get("acled"), where),
                    parent=raw.get("parent"),
                    backed_by=tuple((b["actor"], _iso(b.get("start")), _iso(b.get("end")))
                                    for b in raw.get("backed_by") or []),
                )
            except (KeyError, TypeError, RegistryError) as exc:
                raise RegistryError(f"{where}: {exc}") from None
            if actor.name in actors:
                raise RegistryError(f"{where}: the name {actor.name!r} is used twice")
            actors[actor.name] = actor
        for i, raw in enumerate(data.get("accords") or []):
            where = f"{path}: accord #{i + 1} ({raw.get('name', '?')})"
            try:
                accord = RegistryAccord(
                    name=str(raw["name"]).strip(),
                    kind=raw.get("kind", "other"),
                    aliases=_strings(raw.get("aliases"), where),
                    signed_date=_iso(raw.get("signed")),
                    start_date=_iso(raw.get("start")),
                    end_date=_iso(raw.get("end")),
                    parties=_strings(raw.get("parties"), where),
                    guarantors=_strings(raw.get("guarantors"), where),
                    places=tuple(int(p) for p in raw.get("places") or ()),
                    description=raw.get("description") or "",
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise RegistryError(f"{where}: {exc}") from None
            accords[accord.name] = accord
    known = set(actors)
    for actor in actors.values():
        for ref in [actor.parent, *(b[0] for b in actor.backed_by)]:
            if ref and ref not in known:
                raise RegistryError(f"actor {actor.name!r} refers to unknown actor {ref!r}")
    for accord in accords.values():
        for ref in (*accord.parties, *accord.guarantors):
            if ref not in known:
                raise RegistryError(f"accord {accord.name!r} refers to unknown actor {ref!r}")
    return list(actors.values()), list(accords.values())
