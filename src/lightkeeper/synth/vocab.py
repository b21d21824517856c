"""Shared vocabulary and the phrase-pattern compiler.

A pattern such as "[Hi|Hello] {_n}[!|.]" compiles once into parts (literal strings and
tuples of choices); `realise` picks one choice per tuple with the advertiser's generator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random

from lightkeeper.synth import bank_en, bank_es

Pattern = tuple[str | tuple[str, ...], ...]

_CHOICE = re.compile(r"\[([^\[\]]*)\]")


def compile_pattern(text: str) -> Pattern:
    """Return the parts of a `[a|b]` pattern: literals and tuples of choices."""
    parts: list[str | tuple[str, ...]] = []
    pos = 0
    for match in _CHOICE.finditer(text):
        if match.start() > pos:
            parts.append(text[pos : match.start()])
        parts.append(tuple(match.group(1).split("|")))
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return tuple(parts)


def realise(pattern: Pattern, random: Callable[[], float]) -> str:
    """Return one sentence from `pattern`, choosing with `random` (a Random.random)."""
    out = [p if type(p) is str else p[int(random() * len(p))] for p in pattern]
    text = "".join(out)
    # Empty choices leave doubled or dangling spaces behind; tidy them once here.
    if (
        "  " in text
        or text[-1:] == " "
        or text[:1] == " "
        or " ." in text
        or " ," in text
        or " !" in text
    ):
        text = " ".join(text.split()).replace(" .", ".").replace(" ,", ",").replace(" !", "!")
    return text


def compile_bank(bank: dict[str, tuple[str, ...]]) -> dict[str, tuple[Pattern, ...]]:
    """Return every pattern of a phrase bank compiled."""
    return {key: tuple(compile_pattern(p) for p in patterns) for key, patterns in bank.items()}


BANKS: dict[str, dict[str, tuple[Pattern, ...]]] = {
    "en": compile_bank(bank_en.BANK),
    "es": compile_bank(bank_es.BANK),
}
BOILERPLATE: dict[str, tuple[str, ...]] = {"en": bank_en.BOILERPLATE, "es": bank_es.BOILERPLATE}
SITE_NOTES: dict[str, tuple[str, ...]] = {"en": bank_en.SITE_NOTES, "es": bank_es.SITE_NOTES}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {"en": bank_en.SYNONYMS, "es": bank_es.SYNONYMS}

NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Lily",
        "Mia",
        "Ava",
        "Sophie",
        "Chloe",
        "Jasmine",
        "Nicole",
        "Bella",
        "Luna",
        "Grace",
        "Ruby",
        "Amber",
        "Crystal",
        "Destiny",
        "Kayla",
        "Brooke",
        "Jade",
        "Honey",
        "Candy",
        "Coco",
        "Kiki",
        "Mimi",
        "Stella",
        "Daisy",
        "Ivy",
        "Hazel",
        "Scarlett",
        "Violet",
        "Nina",
        "Tiffany",
        "Angel",
        "Summer",
        "Autumn",
        "Paris",
        "Diamond",
        "Skye",
        "Emma",
        "Olivia",
        "Zoe",
        "Layla",
        "Aria",
        "Nova",
        "Maya",
        "Jenny",
        "Cherry",
        "Yuki",
        "Lana",
        "Sasha",
        "Misty",
        "Raven",
    ),
    "es": (
        "Sofía",
        "Valentina",
        "Camila",
        "Daniela",
        "Isabella",
        "Lucía",
        "Mariana",
        "Gabriela",
        "Paola",
        "Fernanda",
        "Natalia",
        "Andrea",
        "Carolina",
        "Valeria",
        "Ximena",
        "Alejandra",
        "Paula",
        "Carla",
        "Martina",
        "Elena",
        "Rocío",
        "Yesenia",
        "Karla",
        "Lupita",
        "Marisol",
        "Esperanza",
        "Dulce",
        "Estrella",
        "Luz",
        "Perla",
        "Cielo",
        "Abril",
        "Brenda",
        "Tania",
        "Jimena",
        "Renata",
        "Vanessa",
        "Leticia",
        "Rosa",
        "Nayeli",
    ),
}
CONTACT_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Mr. Lopez", "Ms. Carter", "Sarah", "David", "Mike", "Linda", "Mr. Chen", "Anna", "Tom"),
    "es": ("Sr. López", "Lic. Ramírez", "María", "Juan", "Sra. Pérez", "Carlos", "Ana", "Jorge"),
}
EMOJI: tuple[str, ...] = (
    "🌸",
    "✨",
    "💕",
    "🌹",
    "💖",
    "⭐",
    "🌺",
    "🦋",
    "🍒",
    "💎",
    "👑",
    "🔥",
    "😘",
    "🥰",
    "💯",
    "🌙",
)
EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "protonmail.com",
    "icloud.com",
    "mail.com",
    "proton.me",
)
HANDLE_WORDS: tuple[str, ...] = (
    "luxe",
    "sweet",
    "vip",
    "rose",
    "doll",
    "angel",
    "star",
    "moon",
    "honey",
    "babe",
    "xo",
    "kiss",
    "love",
    "real",
    "official",
    "bb",
    "pink",
    "gold",
)
AGENCY_NAMES: tuple[str, ...] = (
    "Velvet Bookings",
    "Starlight Agency",
    "Elite Companions Desk",
    "Orchid Bookings",
    "Agencia Luna",
    "Diamond Desk",
    "Silk Road Bookings",
    "Agencia Estrella",
)


def typo(word: str, rng: Random) -> str:
    """Return `word` with one keyboard slip: swapped, doubled or dropped letter."""
    i = 1 + int(rng.random() * (len(word) - 2))
    kind = int(rng.random() * 3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1 :]
