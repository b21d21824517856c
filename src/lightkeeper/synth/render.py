"""Write one ad of an operator: fill its template, vary it a little, add contacts and decoys.

This is the hot loop of the generator (a million ads must take under a minute), so it uses
plain dicts, cached renderings and `Random.random()` directly rather than helpers per choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from lightkeeper.synth import money
from lightkeeper.synth.numbers import Phone
from lightkeeper.synth.obfuscate import plain_phone, render_phone, render_whatsapp
from lightkeeper.synth.operators import Operator, Persona, World
from lightkeeper.synth.places import CITIES, COUNTRIES, LOCATIONS, URL_SECTIONS, City, Site
from lightkeeper.synth.templates import Template
from lightkeeper.synth.vocab import SITE_NOTES, SYNONYMS, typo

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_DATES = tuple(EPOCH + timedelta(days=i) for i in range(400))
_DAY_TEXT = tuple(d.strftime("%Y-%m-%d") for d in _DATES)
_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)  # fmt: skip
_PLACEHOLDERS_NANP = ("000-000-0000", "0000000000", "123-456-7890", "555-555-5555")
_PLACEHOLDERS = ("000 000 000", "0000000000", "00 0000 0000")
_POST_LABELS = ("Post ID:", "Ref", "Ad #", "Post ID #", "Listing", "ID #", "Ref.")
_BOOKING = {"en": "Bookings via", "es": "Reservas con"}
_OR = {"en": " or ", "es": " o "}
_PUNCT = ".,!?:;¡¿"


@dataclass(slots=True)
class Rendered:
    """One ad, its truth and what an edited re-post needs to rewrite it."""

    ad: dict[str, Any]
    truth: dict[str, Any]
    title_fmt: str
    body_fmt: str
    suffix: str
    slots: dict[str, str]
    hour: int


_MINUTES = tuple(f"T{m // 60:02d}:{m % 60:02d}:" for m in range(1440))
_SECONDS = tuple(f"{s:02d}Z" for s in range(60))


def posted_at(day: float) -> str:
    """Return the RFC 3339 UTC time `day` days after the corpus start."""
    whole = int(day)
    seconds = int((day - whole) * 86400.0)
    return _DAY_TEXT[whole] + _MINUTES[seconds // 60] + _SECONDS[seconds % 60]


def _replace_word(sentence: str, word: str, new: str) -> str:
    # Whole words only: "now" must not change "know".
    start = 0
    while True:
        i = sentence.find(word, start)
        if i < 0:
            return sentence
        end = i + len(word)
        if (i == 0 or not sentence[i - 1].isalpha()) and (
            end == len(sentence) or not sentence[end].isalpha()
        ):
            return sentence[:i] + new + sentence[end:]
        start = end


def _cached(
    op: Operator,
    phone: Phone,
    style: str,
    rng: Random,
    *,
    international: bool,
    spanish: bool,
) -> str:
    # An advertiser pastes the same few forms of a number; make three and reuse them.
    key = (phone.e164, style, international)
    forms = op.cache.get(key)
    if forms is None:
        forms = tuple(
            render_phone(phone, style, rng, international=international, spanish=spanish)
            for _ in range(3)
        )
        op.cache[key] = forms
    r = rng.random()
    return forms[0] if r < 0.7 else forms[1] if r < 0.88 else forms[2]


_CALLING = {code: str(info.calling_code) for code, info in COUNTRIES.items()}


def _abroad(phone: Phone, city: City) -> bool:
    return phone.calling_code != _CALLING[city.country]


def _dates(day: float, rng: Random, language: str, country: str) -> str:
    d0 = _DATES[int(day)]
    d1 = _DATES[int(day) + 2 + int(rng.random() * 3)]
    if language == "es":
        if d0.month == d1.month and rng.random() < 0.5:
            return f"{d0.day} al {d1.day} de {_MONTHS_ES[d1.month - 1]}"
        return f"{d0.day:02d}/{d0.month:02d} al {d1.day:02d}/{d1.month:02d}"
    if country in ("US", "CA"):
        return f"{d0.month}/{d0.day}-{d1.month}/{d1.day}"
    return f"{d0.day}/{d0.month:02d} - {d1.day}/{d1.month:02d}"


def _postcodes(city: City) -> tuple[str, ...]:
    rng = Random(city.name)  # decoys only: a fixed pool per city is enough
    letters = "ABDEHJLNPRSTUWXYZ"
    return tuple(
        "".join(
            str(int(rng.random() * 10))
            if ch == "#"
            else letters[int(rng.random() * 17)]
            if ch == "A" and city.country in ("CA", "GB")
            else ch
            for ch in city.postcode
        )
        for _ in range(24)
    )


_POSTCODES: dict[str, tuple[str, ...]] = {city.name: _postcodes(city) for city in CITIES}


def _price(op: Operator, tpl: Template, city: City, rng: Random) -> tuple[int, str]:
    currency = COUNTRIES[city.country].currency
    if op.kind == "job":
        return 0, _wage(op, rng)
    step = money.price_step(currency)
    hour = max(
        step, round(city.rate * op.price_factor * (0.92 + 0.16 * rng.random()) / step) * step
    )
    forms = money.RATE_FORMS[(tpl.language, op.kind == "massage")]
    index = (
        op.price_forms[0] if len(op.price_forms) == 1 or rng.random() < 0.75 else op.price_forms[1]
    )
    return hour, money.rate_text(currency, tpl.language, forms[index % len(forms)], hour)


def _wage(op: Operator, rng: Random, *, bump: float = 0.0) -> str:
    if op.deceptive:
        return money.lure_wage(op.home.country, int(op.wage + bump * 500))
    return money.legit_wage(op.home.country, op.wage + bump * (0.5 if op.wage < 100 else 50))


def new_price(rendered: Rendered, op: Operator, city: City, rng: Random) -> str:
    """Return a changed rate (or wage) for an edited re-post of `rendered`."""
    if op.kind == "job":
        return _wage(op, rng, bump=1.0 + int(rng.random() * 3))
    currency = COUNTRIES[city.country].currency
    step = money.price_step(currency)
    delta = step * (1 + int(rng.random() * 4)) * (1 if rng.random() < 0.5 else -1)
    hour = max(step, rendered.hour + delta)
    old = rendered.slots["_p"]
    return old.replace(str(rendered.hour), str(hour)).replace(f"{rendered.hour:,}", f"{hour:,}")


def _job_ref(rng: Random) -> str:
    if rng.random() < 0.3:
        return str(2_000_000_000 + int(rng.random() * 7_999_999_999))  # looks like a phone
    return f"JR-{10000 + int(rng.random() * 89999)}"


def _start_date(day: float, rng: Random, language: str, country: str) -> str:
    d = _DATES[int(day) + 3 + int(rng.random() * 20)]
    if language == "en" and country in ("US", "CA"):
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _slots(
    op: Operator, tpl: Template, persona: Persona, city: City, day: float, *, rng: Random
) -> dict[str, str]:
    hour, price = _price(op, tpl, city, rng)
    slots = {"_n": persona.name, "_c": city.name, "_p": price, "_h": str(hour)}
    uses = tpl.uses
    if not uses:
        return slots
    # Only fill the slots the template's text has: most texts use a few of them.
    if "_n2" in uses:
        personas = op.personas
        other = personas[int(rng.random() * len(personas))]
        if other is persona and len(personas) > 1:
            other = personas[(personas.index(persona) + 1) % len(personas)]
        slots["_n2"] = other.name
    if "_a" in uses:
        slots["_a"] = str(persona.age)
    if "_m" in uses:
        slots["_m"] = persona.stats
    if "_d" in uses:
        if op.kind == "job":
            slots["_d"] = _start_date(day, rng, tpl.language, city.country)
        else:
            slots["_d"] = _dates(day, rng, tpl.language, city.country)
    if "_z" in uses:
        pool = _POSTCODES[city.name]
        slots["_z"] = pool[int(rng.random() * len(pool))]
    if "_j" in uses:
        slots["_j"] = _job_ref(rng)
    return slots


def _swap_word(
    sentences: list[str], synonyms: dict[str, tuple[str, ...]], rng: Random
) -> list[str]:
    i = int(rng.random() * len(sentences))
    for raw in sentences[i].split():
        word = raw.strip(_PUNCT)
        alternatives = synonyms.get(word)
        if alternatives:
            alt = alternatives[int(rng.random() * len(alternatives))]
            sentences[i] = _replace_word(sentences[i], word, alt)
            break
    return sentences


def _typo(sentences: list[str], rng: Random) -> list[str]:
    i = int(rng.random() * len(sentences))
    words = [w for w in sentences[i].split() if len(w) >= 5 and w.isalpha()]
    if words:
        word = words[int(rng.random() * len(words))]
        sentences[i] = _replace_word(sentences[i], word, typo(word, rng))
    return sentences


def _drop_word(sentences: list[str], rng: Random) -> list[str]:
    i = int(rng.random() * len(sentences))
    words = sentences[i].split(" ")
    # Only a plain inner word: never a slot, never the words that end the sentence.
    j = 1 + int(rng.random() * max(1, len(words) - 2))
    if len(words) > 4 and words[j].isalpha():
        sentences[i] = " ".join(words[:j] + words[j + 1 :])
    return sentences


def _sentences(op: Operator, tpl: Template, rng: Random, *, contact: bool) -> list[str]:
    sentences: tuple[str, ...] | list[str] = tpl.sentences
    r = rng.random()
    if r < 0.45:  # small edits between re-posts: a synonym, a typo, a dropped word
        if r < 0.25:
            sentences = _swap_word(list(sentences), SYNONYMS[tpl.language], rng)
        elif r < 0.37:
            sentences = _typo(list(sentences), rng)
        else:
            sentences = _drop_word(list(sentences), rng)
    keep = tpl.keep
    at = tpl.contact_at if contact else -1
    chosen: list[str] = []
    for i, text in enumerate(sentences):
        if i == at:
            chosen.append("{_k}")
        k = keep[i]
        if k >= 1.0 or rng.random() < k:
            chosen.append(text)
    if contact and at >= len(sentences):
        chosen.append("{_k}")
    r = rng.random()
    if len(chosen) > 5 and r < 0.28:
        j = int(rng.random() * (len(chosen) - 1))
        if r < 0.2:
            if chosen[j] != "{_k}":
                del chosen[j]
        else:  # two sentences pasted the other way round
            chosen[j], chosen[j + 1] = chosen[j + 1], chosen[j]
    if op.emoji and rng.random() < 0.5:
        j = int(rng.random() * len(chosen))
        chosen[j] = f"{chosen[j]} {op.emoji[int(rng.random() * len(op.emoji))]}"
    return chosen


def _images(
    op: Operator, persona_images: tuple[int, ...], world: World, rng: Random
) -> tuple[list[str], list[str]]:
    images: list[str] = []
    hubs: list[str] = []
    count = len(persona_images)
    if count and rng.random() < 0.92:
        take = 1 + int(rng.random() * min(4, count))
        first = int(rng.random() * count)
        for i in range(take):
            value = persona_images[(first + i) % count]
            # Re-encoding moves a perceptual hash by a few bits.
            r = rng.random()
            flips = 0 if r < 0.4 else 1 if r < 0.7 else 2 if r < 0.9 else 3
            for _ in range(flips):
                value ^= 1 << int(rng.random() * 64)
            images.append(f"{value:016x}")
    if op.stock_share and rng.random() < op.stock_share:
        value = world.stock[int(rng.random() * len(world.stock))]
        if rng.random() < 0.4:
            value ^= 1 << int(rng.random() * 64)
        text = f"{value:016x}"
        images.insert(int(rng.random() * (len(images) + 1)), text)
        hubs.append(text)
    return images, hubs


def _support_text(world: World, site: Site, city: City, rng: Random) -> tuple[str, Phone]:
    phone = world.support[site.name]
    abroad = _abroad(phone, city)
    key = f"{site.name}:{abroad}"
    forms = world.cache.get(key)
    if forms is None:
        forms = tuple(plain_phone(phone, rng, international=abroad) for _ in range(2))
        world.cache[key] = forms
    return forms[0 if rng.random() < 0.8 else 1], phone


def _footer(
    op: Operator,
    site: Site,
    city: City,
    world: World,
    *,
    rng: Random,
    hubs: list[str],
    phones: list[str],
) -> str:
    notes = SITE_NOTES["es" if site.spanish else "en"]
    lines: list[str] = []
    if op.agency is not None and rng.random() < 0.8:
        name, phone = op.agency
        abroad = _abroad(phone, city)
        text = plain_phone(phone, rng, international=abroad)
        lines.append(f"{_BOOKING['es' if site.spanish else 'en']} {name}: {text}")
        hubs.append(phone.e164)
        phones.append(phone.e164)
    if rng.random() < site.support_share:
        text, phone = _support_text(world, site, city, rng)
        note = notes[1 + int(rng.random() * (len(notes) - 1))]
        lines.append(note.format(site=site.name, support=text))
        hubs.append(phone.e164)
        phones.append(phone.e164)
    elif rng.random() < 0.25:
        lines.append(notes[0].format(site=site.name, support=""))
    if rng.random() < site.post_id_share:
        label = _POST_LABELS[ord(site.prefix) % len(_POST_LABELS)]
        lines.append(f"{label} {2_000_000_000 + int(rng.random() * 7_999_999_999)}")
    return "\n" + "\n".join(lines) if lines else ""


def _field_phone(primary: Phone, city: City, op: Operator, rng: Random) -> tuple[str, bool]:
    if rng.random() < 0.05:
        options = _PLACEHOLDERS_NANP if city.country in ("US", "CA") else _PLACEHOLDERS
        return options[int(rng.random() * len(options))], False
    abroad = _abroad(primary, city)
    return _cached(op, primary, "plain", rng, international=abroad, spanish=False), True


def _active_phone(op: Operator, day: float, rng: Random) -> tuple[Phone, Phone | None]:
    lines = op.lines
    if len(lines) == 1:
        return lines[0].phone, None
    active = [ln.phone for ln in lines if ln.start <= day <= ln.end] or [lines[-1].phone]
    if len(active) == 1:
        return active[0], None
    i = int(rng.random() * len(active))
    # While two phones overlap, some ads list both.
    return active[i], active[i - 1] if rng.random() < 0.3 else None


def _contacts(
    op: Operator, tpl: Template, city: City, day: float, rng: Random
) -> tuple[Phone, str, str | None, list[str], list[str], list[str], list[str]]:
    """Return (primary phone, its text, style, contact lines, phones, handles, emails)."""
    primary, second = _active_phone(op, day, rng)
    spanish = tpl.language == "es"
    city_cc = _CALLING[city.country]
    lines: list[str] = []
    phones: list[str] = []
    handles: list[str] = []
    emails: list[str] = []
    text = ""
    style: str | None = None
    if rng.random() < 0.96:
        styles = op.styles
        style = styles[0] if len(styles) == 1 or rng.random() < 0.8 else styles[1]
        abroad = primary.calling_code != city_cc
        text = _cached(op, primary, style, rng, international=abroad, spanish=spanish)
        phones.append(primary.e164)
        line = f"{tpl.contact_lead} {text}"
        if second is not None:
            abroad = second.calling_code != city_cc
            other = _cached(op, second, style, rng, international=abroad, spanish=spanish)
            line = f"{line}{_OR[tpl.language]}{other}"
            phones.append(second.e164)
        lines.append(line + ".")
    if op.whatsapp and rng.random() < 0.6:
        key = (primary.e164, "whatsapp", spanish)
        forms = op.cache.get(key)
        if forms is None:
            forms = (render_whatsapp(primary, rng, spanish=spanish),)
            op.cache[key] = forms
        lines.append(forms[0])
        handles.append(f"whatsapp:{primary.e164}")
        if not phones:
            phones.append(primary.e164)
            style = "plain"  # written only in the WhatsApp line, in international form
    for platform, handle, written in op.handles:
        if rng.random() < 0.75:
            lines.append(written)
            handles.append(f"{platform}:{handle}")
    if op.email is not None and rng.random() < 0.7:
        lines.append(op.email_text)
        emails.append(op.email)
    return primary, text, style, lines, phones, handles, emails


def render_ad(
    op: Operator, day: float, city: City, *, ad_id: str, site: Site, world: World, rng: Random
) -> Rendered:
    """Return one ad of `op` posted on `day` in `city`, with its truth record."""
    templates = op.templates
    tpl = templates[0] if len(templates) == 1 else templates[int(rng.random() * len(templates))]
    personas = op.personas
    persona = personas[0] if len(personas) == 1 else personas[int(rng.random() * len(personas))]
    primary, phone_text, obfuscation, lines, phones, handles, emails = _contacts(
        op, tpl, city, day, rng
    )
    joiner = tpl.joiner
    body_fmt = joiner.join(_sentences(op, tpl, rng, contact=bool(lines)))
    title_fmt = tpl.title
    if op.emoji and rng.random() < 0.4:
        title_fmt = f"{title_fmt} {op.emoji[int(rng.random() * len(op.emoji))]}"
    slots = _slots(op, tpl, persona, city, day, rng=rng)
    slots["_k"] = ("\n" if "\n" in joiner else " | ").join(lines)
    if phone_text and op.title_phone and rng.random() < op.title_phone:
        title_fmt += " {_q}"
        slots["_q"] = phone_text
    hubs: list[str] = []
    suffix = _footer(op, site, city, world, rng=rng, hubs=hubs, phones=phones)
    images, hub_images = _images(op, persona.images, world, rng)
    ad: dict[str, Any] = {
        "id": ad_id,
        "posted_at": posted_at(day),
        "site": site.name,
        "url": f"https://{site.name}/{city.slug}/{URL_SECTIONS[(op.kind, site.spanish)]}/{ad_id}",
    }
    if rng.random() < 0.97:
        ad["location"] = LOCATIONS[(city.name, site.location_style)]
    ad["title"] = title_fmt.format_map(slots)
    ad["body"] = body_fmt.format_map(slots) + suffix
    if rng.random() < site.phone_field:
        text, real = _field_phone(primary, city, op, rng)
        ad["phone"] = text
        if real and primary.e164 not in phones:
            phones.append(primary.e164)
    if op.email is not None and rng.random() < site.email_field:
        ad["email"] = op.email
        if op.email not in emails:
            emails.append(op.email)
    ad["images"] = images
    ad["language"] = tpl.language
    truth: dict[str, Any] = {
        "id": ad_id,
        "version": 1,
        "operator": op.label,
        "kind": op.kind,
        "template": tpl.label,
        "phones": phones,
        "emails": emails,
        "handles": handles,
        "image_hashes": list(images),
        "hub_phones": hubs,
        "hub_images": hub_images,
        "persona": persona.name,
        "city": city.name,
        "country": city.country,
        "risky": op.risky,
        "deceptive": op.deceptive,
        "obfuscation": obfuscation,
    }
    return Rendered(ad, truth, title_fmt, body_fmt, suffix, slots, int(slots["_h"]))
