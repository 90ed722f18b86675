"""Vocabulary and sentence templates for the synthetic corpus (`vzcrisis synth`).

Everything here is pure: actors are a function of their index, and every sentence template
returns its text in three pieces (before, quote, after) so the composer can record the quote's
exact offsets while it writes the article. No real person is described by the synthetic records
beyond the names of the crisis' main actors; the texts say so in their first line.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

FIRST_NAMES = (
    "José", "María", "Andrés", "Sofía", "Julián", "Inés", "Ramón", "Lucía", "Héctor", "Mónica",
    "Tomás", "Verónica", "Óscar", "Raúl", "Begoña", "Ángel", "Jesús", "Noemí", "Iván", "Leonor",
    "Efraín", "Dulce", "Adrián", "Elías", "Fabián", "Zoé", "Joaquín", "Rocío", "Germán", "Belén",
)  # fmt: skip
SURNAMES = (
    "Gutiérrez", "Hernández", "Martínez", "Pérez", "Sánchez", "Ramírez", "Díaz", "Jiménez",
    "Núñez", "Gómez", "Peña", "Ávila", "Cárdenas", "Muñoz", "Báez", "Suárez", "Velásquez",
    "Ibáñez", "Chávez", "Fernández", "Márquez", "Domínguez", "Vásquez", "Álvarez", "López",
    "Benítez", "Ortíz", "Sáez", "Cortés", "Durán", "Galán", "Quiñones", "Rincón", "Solís",
    "Valdés", "Yáñez", "Zúñiga", "Acuña", "Bolívar", "Escalona",
)  # fmt: skip
ROLES = (
    "Governor of Zulia", "Deputy Minister of Finance", "Army general", "National Assembly deputy",
    "Ambassador to the United Nations", "Mayor of Maracaibo", "Central bank director",
    "Navy admiral", "Attorney General's office prosecutor", "Opposition coordinator",
    "Oil ministry adviser", "Supreme Court justice",
)  # fmt: skip
ORG_WORDS = ("Fundación", "Corporación", "Frente", "Consorcio", "Asociación", "Colectivo")
PLACES = (
    "Caracas", "Maracaibo", "the Paraguaná Peninsula", "Puerto Cabello", "the Orinoco Delta",
    "La Guaira", "Ciudad Bolívar", "Mérida", "San Cristóbal", "Barquisimeto", "Cumaná",
    "Isla Margarita", "the Caribbean Sea", "the eastern Pacific", "Güiria",
)  # fmt: skip
PUBLISHERS = (
    ("Reuters", "Reuters"), ("Latin Times", "Reuters"), ("Al Jazeera", "Al Jazeera"),
    ("Miami Herald", "Miami Herald"), ("El País", "El País"), ("AP News", "Associated Press"),
    ("Bloomberg", "Bloomberg"), ("The Guardian", "Reuters"), ("France 24", "AFP"),
    ("Efecto Cocuyo", "Efecto Cocuyo"),
)  # fmt: skip
"""(publisher, origin): relays name the upstream report they carry."""
BYLINES = ("Staff reporters", "Ana Rivas", "Carlos Medina", "Laura Bianchi", "Mark Ellis")
ATTRIBUTIONS = (".", ", sources said.", ", officials said.", ", according to two people.")
LEADS = ("", "", "", "Meanwhile, ", "Separately, ", "Earlier, ")

CORE_ACTORS: tuple[tuple[str, str, tuple[str, ...], str, str | None, tuple[str, ...]], ...] = (
    ("nicolas-maduro", "Nicolás Maduro", ("Nicolas Maduro",), "person", "VEN",
     ("President of Venezuela",)),
    ("donald-trump", "Donald Trump", ("Donald J. Trump",), "person", "USA",
     ("President of the United States",)),
    ("delcy-rodriguez", "Delcy Rodríguez", ("Delcy Rodriguez",), "person", "VEN",
     ("Vice President of Venezuela",)),
    ("maria-corina-machado", "María Corina Machado", ("Maria Corina Machado",), "person", "VEN",
     ("Opposition leader",)),
    ("marco-rubio", "Marco Rubio", (), "person", "USA", ("Secretary of State",)),
    ("diosdado-cabello", "Diosdado Cabello", (), "person", "VEN", ("Interior Minister",)),
    ("us-government", "United States government", ("U.S. government",), "government", "USA", ()),
    ("venezuelan-government", "Venezuelan government", ("government of Venezuela",),
     "government", "VEN", ()),
    ("international-criminal-court", "International Criminal Court", ("Corte Penal Internacional",),
     "organization", None, ()),
    ("cartel-de-los-soles", "Cartel de los Soles", ("Cartel of the Suns",), "organization", "VEN",
     ()),
    ("vladimir-padrino-lopez", "Vladimir Padrino López", ("Vladimir Padrino Lopez",), "person",
     "VEN", ("Defence Minister",)),
    ("edmundo-gonzalez-urrutia", "Edmundo González Urrutia", ("Edmundo Gonzalez Urrutia",),
     "person", "VEN", ("Opposition candidate",)),
)  # fmt: skip
"""The crisis' main actors (id, name, aliases, kind, country, roles); synthetic ones follow."""
THE_ACTORS = frozenset(
    (
        "us-government",
        "venezuelan-government",
        "international-criminal-court",
        "cartel-de-los-soles",
    )
)
"""Actors an article names with 'the'."""


def unaccent(text: str) -> str:
    """Drop diacritics: 'Nicolás' -> 'Nicolas'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """A record-id slug of a name: 'José Núñez' -> 'jose-nunez'."""
    return re.sub(r"[^a-z0-9]+", "-", unaccent(text).lower()).strip("-")


@dataclass(frozen=True)
class ActorRef:
    """What other records need to know about an actor: its id and the names texts use."""

    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    roles: tuple[str, ...]

    def mention(self, rng: random.Random) -> str:
        """The name as an article writes it: canonical or an (unaccented) alias."""
        name = self.name if not self.aliases or rng.random() < 0.6 else self.aliases[0]
        return f"the {name}" if self.id in THE_ACTORS else name


def actor(index: int) -> ActorRef:
    """Actor number `index` (the core actors first, then synthetic ones with unique names)."""
    if index < len(CORE_ACTORS):
        return ActorRef(*CORE_ACTORS[index])
    k = index - len(CORE_ACTORS)
    n_first, n_last = len(FIRST_NAMES), len(SURNAMES)
    first = FIRST_NAMES[k % n_first]
    last1 = SURNAMES[(k // n_first) % n_last]
    last2 = SURNAMES[(k // (n_first * n_last)) % n_last]
    rounds = k // (n_first * n_last * n_last)
    suffix = f" {rounds + 1}" if rounds else ""
    roles: tuple[str, ...] = ()
    if k % 10 == 9:
        word = ORG_WORDS[(k // 10) % len(ORG_WORDS)]
        kind = "armed_group" if word in ("Frente", "Colectivo") else "organization"
        name = f"{word} {last1} {last2}{suffix}"
    else:
        kind = "person"
        name = f"{first} {last1} {last2}{suffix}"
        roles = (ROLES[k % len(ROLES)],)
    plain = unaccent(name)
    aliases = (plain,) if plain != name else ()
    return ActorRef(slug(name), name, aliases, kind, "VEN", roles)


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """'November 21, 2025'."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def date_phrase(rng: random.Random, published: dt.date) -> dict[str, Any]:
    """Date fields of a dated record plus `phrase`, the words the text uses (may be empty)."""
    roll = rng.random()
    if roll < 0.1:
        return {"phrase": ""}
    if roll < 0.2:
        day = published.replace(day=1)
        return {
            "date": day.isoformat(),
            "date_precision": "month",
            "date_text": f"in {MONTHS[day.month - 1]}",
            "phrase": f" in {MONTHS[day.month - 1]}",
        }
    day = published - dt.timedelta(days=rng.randint(1, 30))
    text = f"on {MONTHS[day.month - 1]} {day.day}"
    return {
        "date": day.isoformat(),
        "date_precision": "day",
        "date_text": text,
        "phrase": " " + text,
    }


Pieces = tuple[str, str, str]
"""A sentence as (before the quote, the quote, after the quote)."""


def sentence(rng: random.Random, clause: str) -> Pieces:
    """Wrap a quoted clause into a sentence with a lead-in and an attribution."""
    lead = rng.choice(LEADS)
    if not lead:
        clause = clause[0].upper() + clause[1:]
    return lead, clause, rng.choice(ATTRIBUTIONS)


ASKS = (
    ("amnesty", "full legal amnesty for {b} and {b_family}"),
    ("sanctions_relief", "the lifting of all U.S. sanctions on {b}"),
    ("legal_case_closure", "the closure of the International Criminal Court case against {b}"),
    ("safe_passage", "safe passage out of Venezuela for {b} and {b_family}"),
    ("political_transition", "that {b} oversee an interim government ahead of new elections"),
    ("military_control", "that {b} keep control of the armed forces"),
    ("resignation", "that {b} step down within {n} days"),
    ("departure", "that {b} leave the country by {deadline}"),
    ("dialogue", "direct talks with {b}"),
    ("policy", "that {b} keep up the pressure campaign"),
    ("other", "the release of {n} detained officials close to {b}"),
)
SANCTION_TEXTS = (
    ("sanctions_program", "imposed sanctions on {t} and {n} associated companies"),
    ("terrorist_designation", "designated {t} a foreign terrorist organization"),
    (
        "reward",
        "offered a reward of up to ${m} million for information leading to the arrest of {t}",
    ),
    ("airspace_closure", "declared the airspace above and around {t} closed in its entirety"),
    ("indictment", "filed narco-terrorism charges against {t}"),
    ("legal_case", "opened a case against {t} at the International Criminal Court"),
    ("military_deployment", "deployed {n} warships near {t} as pressure"),
)
EVENT_TEXTS = (
    ("CONSULT", "phone", "{a} held a {n}-minute phone call with {b}"),
    ("REQUEST", None, "{a} asked {b} for talks on a negotiated exit"),
    ("REJECT", None, "{a} rejected most of the requests made by {b}"),
    ("THREATEN", "social_media", "{a} gave {b} a {n}-day deadline to leave the country"),
    ("ACCUSE", None, "{a} accused {b} of drug trafficking"),
    ("SUPPORT", None, "{a} voiced support for {b}"),
    ("MOBILIZE", None, "{a} deployed {n} troops to {place}"),
    ("DECLARE", "social_media", "{a} declared that {b} would not negotiate under threat"),
    ("PROTEST", None, "supporters of {a} marched in {place} against {b}"),
    ("AGREE", None, "{a} agreed to a prisoner exchange proposed by {b}"),
)
QUALIFIERS = (
    ("more_than", "more than"), ("at_least", "at least"), ("approximately", "around"),
    ("exactly", ""), ("at_most", "at most"),
)  # fmt: skip
