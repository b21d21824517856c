"""Ways advertisers write phone numbers, emails and social handles to slip past filters.

Each renderer returns one written form; callers cache a few forms per identifier because an
advertiser copies the same line from ad to ad. Every phone form keeps the number's digits in
order so a decoder recovers them (the truth file relies on it).
"""

from __future__ import annotations

from random import Random

from lightkeeper.synth.numbers import Phone

PHONE_STYLES: tuple[str, ...] = (
    "plain",
    "separators",
    "spelled_en",
    "spelled_es",
    "mixed",
    "lookalike",
    "keycap",
    "fullwidth",
)

_WORDS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORDS_ES = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
# Only look-alikes a reader (and a decoder) resolves without doubt; Z for 2 is too ambiguous.
_LOOKALIKES: dict[str, tuple[str, ...]] = {
    "0": ("O", "o", "O"),
    "1": ("I", "l", "I"),
    "5": ("S", "S"),
    "8": ("B",),
}
_SEPARATORS = (" * ", "*", "~", "/", "_", " . ", ".", " ", "-", "|", " - ", "..")
_DIGIT_SEPARATORS = (" ", "_", ".", "-", "*", "")
_KEYCAP = "\ufe0f\u20e3"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _pick(rng: Random, options: tuple[str, ...]) -> str:
    return options[int(rng.random() * len(options))]


def _groups(phone: Phone, *, international: bool) -> tuple[str, tuple[str, ...]]:
    # Foreign numbers must carry their calling code or a reader dials the wrong country.
    if international:
        return f"+{phone.calling_code} ", phone.international
    return "", phone.national


def plain_phone(phone: Phone, rng: Random, *, international: bool) -> str:
    """Return the number in one of the usual national or international formats."""
    if international or rng.random() < 0.12:
        groups = phone.international
        cc = phone.calling_code
        form = int(rng.random() * 4)
        if form == 0:
            return f"+{cc} " + " ".join(groups)
        if form == 1:
            return f"+{cc}-" + "-".join(groups)
        if form == 2:
            return f"+{cc}" + "".join(groups)
        return (
            f"+{cc} ({groups[0]}) " + " ".join(groups[1:])
            if len(groups) > 2
            else f"+{cc} " + "".join(groups)
        )
    groups = phone.national
    form = int(rng.random() * 6)
    if phone.calling_code == "1":
        if form == 0:
            return f"({groups[0]}) {groups[1]}-{groups[2]}"
        if form == 1:
            return f"1-{groups[0]}-{groups[1]}-{groups[2]}"
    if form == 2:
        return "".join(groups)
    if form == 3:
        return ".".join(groups)
    if form == 4:
        return "-".join(groups)
    return " ".join(groups)


def separated_phone(phone: Phone, rng: Random, *, international: bool) -> str:
    """Return the digits broken up by unusual separators between groups or between digits."""
    lead, groups = _groups(phone, international=international)
    if rng.random() < 0.35:
        inner = _pick(rng, _DIGIT_SEPARATORS)
        outer = _pick(rng, (" / ", "/", "  ", " | ", " * ", " - "))
        return lead + outer.join(inner.join(g) for g in groups)
    sep = _pick(rng, _SEPARATORS)
    return lead + sep.join(groups)


def spelled_phone(phone: Phone, rng: Random, *, international: bool, spanish: bool) -> str:
    """Return the digits written as English or Spanish words."""
    lead, groups = _groups(phone, international=international)
    words = _WORDS_ES if spanish else _WORDS_EN
    oh = not spanish and rng.random() < 0.3  # "oh" for zero, as people say it
    capital = rng.random() < 0.2
    inner = _pick(rng, (" ", " ", "-", " "))
    outer = _pick(rng, (", ", " - ", "  ", " / ", " "))

    def word(d: str) -> str:
        w = "oh" if oh and d == "0" else words[int(d)]
        return w.upper() if capital else w

    return lead + outer.join(inner.join(word(d) for d in g) for g in groups)


def mixed_phone(phone: Phone, rng: Random, *, international: bool, spanish: bool) -> str:
    """Return the number with some digits as words, glued together ("7one3 five5five ...")."""
    lead, groups = _groups(phone, international=international)
    words = _WORDS_ES if spanish else _WORDS_EN
    share = 0.35 + rng.random() * 0.3
    out = []
    for g in groups:
        out.append("".join(words[int(d)] if rng.random() < share else d for d in g))
    text = " ".join(out)
    if not any(w in text for w in words):
        first = groups[0][0]
        text = words[int(first)] + text[1:]
    return lead + text


def lookalike_phone(phone: Phone, rng: Random, *, international: bool) -> str:
    """Return the number with a few digits replaced by look-alike letters (O, I, l, S, B)."""
    lead, groups = _groups(phone, international=international)
    digits = "".join(groups)
    # Never the first digit: a real digit must anchor the number for a reader.
    candidates = [i for i, d in enumerate(digits) if d in _LOOKALIKES and i > 0]
    if not candidates:
        return plain_phone(phone, rng, international=international)
    # Keep most digits real: a decoder must still see a number, not a word.
    budget = max(1, min(len(candidates), int(len(digits) * (0.15 + rng.random() * 0.2))))
    chosen = set(rng.sample(candidates, budget))
    chars = [_pick(rng, _LOOKALIKES[d]) if i in chosen else d for i, d in enumerate(digits)]
    out, pos = [], 0
    for g in groups:
        out.append("".join(chars[pos : pos + len(g)]))
        pos += len(g)
    if not lead and phone.calling_code == "1" and rng.random() < 0.5:
        return f"({out[0]}) {out[1]}.{out[2]}"
    return lead + _pick(rng, ("-", ".", " ")).join(out)


def keycap_phone(phone: Phone, rng: Random, *, international: bool) -> str:
    """Return the digits as emoji keycaps (digit, U+FE0F, U+20E3), sometimes without U+FE0F."""
    lead, groups = _groups(phone, international=international)
    cap = _KEYCAP if rng.random() < 0.8 else "\u20e3"
    sep = _pick(rng, (" ", "", " ", "-"))
    return lead + sep.join("".join(d + cap for d in g) for g in groups)


def fullwidth_phone(phone: Phone, rng: Random, *, international: bool) -> str:
    """Return the number in full-width digits (U+FF10..U+FF19)."""
    lead, groups = _groups(phone, international=international)
    sep = _pick(rng, (" ", "-", "", "．"))
    return lead.translate(_FULLWIDTH) + sep.join(groups).translate(_FULLWIDTH)


def render_phone(
    phone: Phone, style: str, rng: Random, *, international: bool, spanish: bool
) -> str:
    """Return `phone` written in obfuscation `style` (one of PHONE_STYLES).

    `international` writes the calling code (needed when the ad is posted abroad).
    """
    if style == "plain":
        return plain_phone(phone, rng, international=international)
    if style == "separators":
        return separated_phone(phone, rng, international=international)
    if style == "spelled_en":
        return spelled_phone(phone, rng, international=international, spanish=False)
    if style == "spelled_es":
        return spelled_phone(phone, rng, international=international, spanish=True)
    if style == "mixed":
        return mixed_phone(phone, rng, international=international, spanish=spanish)
    if style == "lookalike":
        return lookalike_phone(phone, rng, international=international)
    if style == "keycap":
        return keycap_phone(phone, rng, international=international)
    if style == "fullwidth":
        return fullwidth_phone(phone, rng, international=international)
    raise ValueError(f"unknown phone style {style!r}")


EMAIL_STYLES: tuple[str, ...] = ("plain", "at_dot", "paren", "bracket", "spaced", "caps", "arroba")


def render_email(address: str, style: str) -> str:
    """Return `address` written in obfuscation `style` (one of EMAIL_STYLES)."""
    local, _, domain = address.partition("@")
    name, _, tld = domain.rpartition(".")
    if style == "at_dot":
        return f"{local} at {name} dot {tld}"
    if style == "paren":
        return f"{local}(at){name}(dot){tld}"
    if style == "bracket":
        return f"{local} [at] {name} [dot] {tld}"
    if style == "spaced":
        return f"{local} @ {name} . {tld}"
    if style == "caps":
        return f"{local} AT {name} DOT {tld}"
    if style == "arroba":
        return f"{local} arroba {name} punto {tld}"
    return address


HANDLE_FORMS: dict[str, tuple[str, ...]] = {
    "instagram": ("IG: @{h}", "insta - {h}", "Instagram: @{h}", "instagram.com/{h}", "IG @{h}"),
    "snapchat": ("snap - {h}", "SC: {h}", "Snapchat: {h}", "sc~{h}", "snap: @{h}"),
    "telegram": ("telegram @{h}", "TG @{h}", "t.me/{h}", "Telegram: {h}"),
    "kik": ("kik: {h}", "kik me: {h}", "Kik @{h}"),
    "twitter": ("twitter @{h}", "X: @{h}", "Twitter: @{h}"),
    "onlyfans": ("OF: {h}", "onlyfans.com/{h}", "OnlyFans: {h}"),
}
PLATFORMS: tuple[str, ...] = tuple(HANDLE_FORMS)


def render_handle(platform: str, handle: str, rng: Random) -> str:
    """Return a social handle the way ads write it ("IG: @name", "t.me/name", ...)."""
    return _pick(rng, HANDLE_FORMS[platform]).format(h=handle)


def render_whatsapp(phone: Phone, rng: Random, *, spanish: bool) -> str:
    """Return a WhatsApp contact line; the handle is the number in international form."""
    label = (
        _pick(rng, ("WhatsApp", "Whatsapp", "whatsapp", "WhatsApp me"))
        if not spanish
        else "WhatsApp"
    )
    number = f"+{phone.calling_code} " + " ".join(phone.international)
    return f"{label} {number}" if rng.random() < 0.5 else f"{label}: {number}"
