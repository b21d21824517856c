"""Social-media handles in ad text, as "platform:handle".

Ads point buyers to messaging and social accounts: "IG: @name", "snap - name", "SC~name",
"kik me: name", "TG @name", "t.me/name", "onlyfans.com/name", "whatsapp +44 7700 900123".
A handle is read after a platform cue (its name, an abbreviation or its link) and kept only if it
obeys that platform's username rules and is not an ordinary word ("snap me anytime").

Speed: scanning every ad with the full cue-and-handle pattern costs more than the whole budget of
this stage, so candidate cue positions come from one cheap trie-shaped scan (`_PROBE`) and the
full pattern is only matched at those positions. Even that scan tests every character against
the set of letters a cue starts with; it runs instead on a byte copy of the text in which every
character that may stand before a word is a space (`_WORD_START_TABLE`), so the regex engine
skips from space to space.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from lightkeeper.ads.extract.bytescan import folded_lowered


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`, for the word lists below."""
    return frozenset(words.split())


_ALIASES: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram", "instagr", "instgram", "instagam", "insta", "ig"),
    "snapchat": ("snapchat", "snap chat", "snapch", "snap", "sc", "👻"),
    "telegram": ("telegram", "telegrm", "tele", "tg"),
    "kik": ("kik messenger", "kik"),
    "whatsapp": (
        "whatsapp",
        "whats app",
        "whatsap",
        "watsapp",
        "wattsapp",
        "watsap",
        "whatapp",
        "wapp",
        "wsp",
        "wpp",
        "wa",
    ),
    "twitter": ("twitter", "tw", "x"),
    "onlyfans": ("onlyfans", "only fans", "onlyfan", "of"),
    "tiktok": ("tiktok", "tik tok"),
    "wechat": ("wechat", "we chat", "weixin", "wx", "微信"),
}
_PLATFORM_OF_ALIAS = {alias: platform for platform, names in _ALIASES.items() for alias in names}

# Short aliases are also ordinary words or letters ("lots of fun", "2 x 30 min", "wa"): they count
# only with an explicit separator ("OF: name", "X: @name").
_NEEDS_SEPARATOR = frozenset({"of", "x", "wa", "tw", "wx", "whats app", "tele"})

# Where a cue may start: one scan with a pattern shaped as a trie, whose first characters let the
# regex engine skip most of the text (25 str.find probes cost twice as much).
_PROBE_ASCII = (
    r"i(?:nst|g\b)|s(?:nap|c\b)|t(?:ele|witter|ik ?tok|g\b|w\b)|kik|x\b|o(?:nly ?fan|f\b)"
    r"|w(?:h?att?s|hatapp|app|sp|pp|e ?chat|eixin|a\b|x\b)"
)
_PROBE_OTHER = ("微信", "👻")
_PROBE = re.compile(_PROBE_ASCII + "|" + "|".join(_PROBE_OTHER))
# The same scan over the bytes `_cue_positions` makes: a space, then the cue. Leading with a
# literal lets the regex engine jump from space to space instead of testing every character.
_PROBE_AFTER_SPACE = re.compile(b" (?:" + _PROBE_ASCII.encode() + b")")
# Bytes of `text.encode("ascii", "replace")`: letters, digits and the characters that continue a
# word for `_starts_word` ("_.@/") are kept; every other byte, and "?" (any character outside
# ASCII), becomes a space. A space is not a word character, so `\b` in the scan holds wherever
# it holds in the text.
_WORD_START_TABLE = bytes(
    c if chr(c).isascii() and (chr(c).isalnum() or chr(c) in "_.@/") else ord(" ")
    for c in range(256)
)
_ALIAS = "|".join(
    re.escape(alias) for alias in sorted(_PLATFORM_OF_ALIAS, key=lambda a: (-len(a), a))
)
_JOIN = r"\s*(?:/|&|\+|,|\band\b|\by\b|\bor\b|\bo\b|\|)\s*"
_FILL_WORD = r"me|is|es|id|username|user|name|handle|account|acct|at|on|en|my"
# Separators, arrows and pointing emoji (with their variation selector and skin tones).
_FILL_MARK = (
    r"[:：~=>→»|(\[#*@\-–—\u2190-\u21ff\u27a1\u2b05-\u2b07\ufe0f"
    r"👆👇👈👉📲💬\U0001f3fb-\U0001f3ff]"
)
_CUE_HANDLE = re.compile(
    rf"(?P<cues>(?:{_ALIAS})(?![a-z0-9_])(?:{_JOIN}(?:{_ALIAS})(?![a-z0-9_])){{0,4}})"
    rf"(?P<fill>(?:\s*(?:(?:{_FILL_WORD})(?![a-z0-9_])|{_FILL_MARK})){{0,4}}\s*)"
    r"(?P<handle>\+?\(?\d[\d ().-]{5,20}\d|@?[a-z0-9_][a-z0-9._-]{0,40})"
)
# A handle written before its platform: "@sara22 on IG", "sígueme @sara22 en insta".
_HANDLE_ON = re.compile(
    rf"@(?P<handle>[a-z0-9_][a-z0-9._-]{{0,40}})\s+(?:on|en|in|via)\s+(?:my\s+|mi\s+)?"
    rf"(?P<cues>(?:{_ALIAS})(?![a-z0-9_])(?:{_JOIN}(?:{_ALIAS})(?![a-z0-9_])){{0,4}})"
)
_CUE_WORDS = re.compile(rf"(?:{_ALIAS})(?![a-z0-9_])")
_LINK = re.compile(
    r"(?P<site>instagram\.com|instagr\.am|snapchat\.com/add|t\.me|telegram\.me|telegram\.dog"
    r"|twitter\.com|x\.com|onlyfans\.com|tiktok\.com/@|kik\.me|wa\.me)"
    r"/@?(?P<handle>\+?[a-z0-9_][a-z0-9._-]{0,40})"
)
_LINK_PLATFORM = {
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "snapchat.com/add": "snapchat",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "telegram.dog": "telegram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "onlyfans.com": "onlyfans",
    "tiktok.com/@": "tiktok",
    "kik.me": "kik",
    "wa.me": "whatsapp",
}
# Paths of those sites that are pages, not accounts.
_LINK_RESERVED = _word_set(
    """p reel reels explore accounts stories tv direct i home intent share search hashtag login
    settings joinchat s addstickers c add about help privacy legal terms signup"""
)

# Username rules per platform (lower-cased): instagram 1-30 of [a-z0-9._]; snapchat 3-15, starts
# with a letter, ends with a letter or digit; telegram 5-32 of [a-z0-9_] (4 accepted: collectible
# usernames), starts with a letter; kik 6-20 (4 accepted: ads truncate); twitter 1-15 of [a-z0-9_];
# onlyfans and tiktok up to 30/24 characters; wechat 6-20, starts with a letter. Every handle must
# hold a letter: a bare number after "IG:" is a phone or a price.
_RULES = {
    "instagram": re.compile(r"(?!.*\.\.)[a-z0-9_](?:[a-z0-9._]{0,28}[a-z0-9_])?"),
    "snapchat": re.compile(r"[a-z][a-z0-9._-]{1,13}[a-z0-9]"),
    "telegram": re.compile(r"[a-z][a-z0-9_]{2,30}[a-z0-9]"),
    "kik": re.compile(r"[a-z0-9._]{4,20}"),
    "twitter": re.compile(r"[a-z0-9_]{1,15}"),
    "onlyfans": re.compile(r"[a-z0-9._-]{2,30}"),
    "tiktok": re.compile(r"[a-z0-9_](?:[a-z0-9._]{0,22}[a-z0-9_])?"),
    "wechat": re.compile(r"[a-z][a-z0-9_-]{5,19}"),
}
_HAS_LETTER = re.compile(r"[a-z]")
_DOMAIN_TAIL = re.compile(r"\.(?:com|net|org|es|mx|uk|ca|co|io|me)\Z")

# Words that follow a platform name in ordinary sentences ("snap me anytime", "IG for pics",
# "kik only"), never a username.
_STOP = _word_set(
    """a an the and or but y o u me my mine you your yours us we our i im is are am be was it its
    this that these those here there now then soon today tonight anytime always only also too
    just all any more less for from to at in on of by with without via as if so no not yes ok
    okay please pls plz thanks thank babe baby hun dear first same below above bio link links
    profile page account accounts handle username user name id info details contact add follow
    followers message messages msg dm dms text texts txt call calls chat chats video videos vids
    pic pics photo photos picture pictures selfie selfies story stories reel reels post posts
    live stream free premium vip verified verify verification available avail booking book
    appointment appointments request requests inquiries serious real fake new hot sweet cute
    sexy only_fans snapchat snap instagram insta ig kik telegram tg tele whatsapp wa twitter
    onlyfans of tiktok wechat x sc app apps number numbers phone email mail anymore again
    solo para por con sin mi mis tu tus su sus es en el la los las un una al del que ya aqui
    aquí alli ahí disponible fotos foto videos mas más info informacion información escribeme
    escríbeme agregame agrégame sigueme sígueme llamame llámame whats me_ also_ etc"""
)


def extract_handles(text: str, *, folded: str | None = None) -> list[str]:
    """Social-media handles in `text` as "platform:handle", lower-case, without the "@".

    In order of first appearance, without repeats. Platforms: instagram, snapchat, telegram, kik,
    whatsapp (the handle is the phone number in E.164, "+" kept, numbers without a country code
    read as US), twitter (also "X"), onlyfans, tiktok, wechat. `folded`, when given, is
    `bytescan.folded_lowered(text)`, shared with the other extractors of the ad.
    """
    # Every pattern here reads ASCII letters only (and "微信", "👻"), in NFKC ("ＩＧ" as "IG").
    low = folded_lowered(text) if folded is None else folded
    # Searches for ASCII strings are faster in a byte copy (other characters "?"). `bytes.find`,
    # not `in`: `in` first tries its argument as an integer and raises inside.
    ascii_low = low.encode("ascii", "replace")
    found = _cue_handles(low, ascii_low)
    if _has_profile_link(ascii_low):
        found.extend(_link_handles(low))
    if ascii_low.find(b"@") >= 0:
        found.extend(_handles_before_cue(low))
    if not found:
        return []
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(handle for _, handle in found))


def _cue_handles(low: str, ascii_low: bytes) -> list[tuple[int, str]]:
    """(position, "platform:handle") for every handle written after a platform cue.

    `ascii_low` is `low.encode("ascii", "replace")`.
    """
    found: list[tuple[int, str]] = []
    last_end = -1
    for pos in _cue_positions(low, ascii_low):
        if pos < last_end or not _starts_word(low, pos):
            continue
        match = _CUE_HANDLE.match(low, pos)
        if match is None:
            continue
        handles = _handles_from_cue(match)
        if handles:
            found.extend((pos, handle) for handle in handles)
            last_end = match.end()
    return found


def _cue_positions(low: str, ascii_low: bytes) -> list[int]:
    """Positions where a platform cue may start, in order; all those at the start of a word."""
    if not low.isascii() and (_PROBE_OTHER[0] in low or _PROBE_OTHER[1] in low):
        return [probe.start() for probe in _PROBE.finditer(low)]
    # A space before the text stands for its start; it shifts every position by one, which the
    # space before each cue takes back.
    spaced = b" " + ascii_low.translate(_WORD_START_TABLE)
    return [probe.start() for probe in _PROBE_AFTER_SPACE.finditer(spaced)]


def _handles_before_cue(low: str) -> list[tuple[int, str]]:
    """(position, "platform:handle") for "@handle on platform"."""
    found: list[tuple[int, str]] = []
    if "@" not in low:
        return found
    for match in _HANDLE_ON.finditer(low):
        if not _starts_word(low, match.start()):
            continue  # the "@" of an email address
        for cue in _CUE_WORDS.findall(match.group("cues")):
            platform = _PLATFORM_OF_ALIAS[cue]
            handle = None if platform == "whatsapp" else _valid_handle(platform, match["handle"])
            if handle is not None:
                found.append((match.start(), f"{platform}:{handle}"))
    return found


def _starts_word(low: str, pos: int) -> bool:
    """True when low[pos] does not continue a word, a domain or an email."""
    return pos == 0 or not (low[pos - 1].isalnum() or low[pos - 1] in "_.@/")


def _handles_from_cue(match: re.Match[str]) -> list[str]:
    """The valid "platform:handle" strings of one cue match (several cues share one handle)."""
    raw = match.group("handle")
    fill = match.group("fill")
    after = match.string[match.end() : match.end() + 1]
    if after == "@":
        return []  # the word before an email address
    # Explicit: an "@" or a mark (":", "-", an arrow...) between cue and handle, not just words.
    letters = "".join(fill.split())
    explicit = raw.startswith("@") or (letters != "" and not letters.isalpha())
    handles: list[str] = []
    international = raw.startswith("+")
    cues = match.group("cues")
    # One cue is the usual case; `findall` would return it alone (the longest alias comes first).
    for cue in (cues,) if cues in _PLATFORM_OF_ALIAS else _CUE_WORDS.findall(cues):
        if cue in _NEEDS_SEPARATOR and not explicit and not (cue == "wa" and international):
            continue  # "WA +1 210 555 0105" is WhatsApp; "Seattle, WA 206..." is a state
        platform = _PLATFORM_OF_ALIAS[cue]
        handle = _valid_handle(platform, raw.lstrip("@"))
        if handle is not None:
            handles.append(f"{platform}:{handle}")
    return handles


# An operator's handles recur across its ads: each (platform, raw text) is checked once.
@lru_cache(maxsize=65_536)
def _valid_handle(platform: str, raw: str, *, international: bool = False) -> str | None:
    """`raw` as a username of `platform` (E.164 for whatsapp), or None if it cannot be one.

    `international`: a whatsapp number is written with its country code but without "+" (wa.me).
    """
    if platform == "whatsapp":
        return _whatsapp_number("+" + raw if international else raw)
    handle = raw.rstrip(".-")
    rule = _RULES.get(platform)
    if rule is None or not rule.fullmatch(handle) or not _HAS_LETTER.search(handle):
        return None
    if handle in _STOP or _DOMAIN_TAIL.search(handle):
        return None
    return handle


def _whatsapp_number(raw: str) -> str | None:
    """E.164 form of a phone number written after a WhatsApp cue, or None."""
    digits = "".join(c for c in raw if c.isdigit())
    if not 7 <= len(digits) <= 15:
        return None
    return _e164(("+" + digits) if raw.lstrip("(").startswith("+") else digits)


# Parsing costs tens of microseconds and an operator's number recurs across its ads.
@lru_cache(maxsize=65_536)
def _e164(candidate: str) -> str | None:
    """`candidate` (digits, "+" first when international; else read as US) in E.164, or None."""
    try:
        number = phonenumbers.parse(candidate, None if candidate.startswith("+") else "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _has_profile_link(ascii_low: bytes) -> bool:
    """Cheap test before `_LINK`: every site it knows ends in one of these before the path."""
    return ascii_low.find(b"/") >= 0 and (
        ascii_low.find(b".com/") >= 0
        or ascii_low.find(b".me/") >= 0
        or ascii_low.find(b".am/") >= 0
        or ascii_low.find(b".dog/") >= 0
    )


def _link_handles(low: str) -> list[tuple[int, str]]:
    """(position, "platform:handle") for every profile link such as "t.me/name"."""
    found: list[tuple[int, str]] = []
    for match in _LINK.finditer(low):
        if _link_starts_host(low, match.start()):
            handle = _link_handle(match)
            if handle is not None:
                found.append((match.start(), handle))
    return found


def _link_starts_host(low: str, pos: int) -> bool:
    """True when a site name at low[pos] is a host, not the tail of another ("fox.com")."""
    if pos == 0:
        return True
    before = low[pos - 1]
    if before == ".":
        return low[max(0, pos - 4) : pos] == "www." or low[max(0, pos - 2) : pos] == "m."
    return not (before.isalnum() or before in "-_@")


def _link_handle(match: re.Match[str]) -> str | None:
    """The "platform:handle" of a profile link, or None for a non-profile page."""
    platform = _LINK_PLATFORM[match.group("site")]
    raw = match.group("handle")
    if raw.rstrip(".-") in _LINK_RESERVED:
        return None
    handle = _valid_handle(platform, raw.lstrip("+"), international=True)
    return None if handle is None else f"{platform}:{handle}"
