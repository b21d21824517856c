"""Email addresses in ad text, including the obfuscated forms ads use to dodge filters.

An address is found from its "@" (or a stand-in for it: "at", "(at)", "[at]", "{at}", "<at>",
"arroba", "&#64;"), then the local part is read to the left and the domain to the right, where
dots may also be written "dot", "(dot)", "punto" or spaced out. The weaker the disguise evidence,
the stricter the check: a plain "name@site.tld" accepts any alphabetic TLD, a spelled-out one
needs a known TLD and a local part that is not an ordinary word ("email me at ...").
"""

from __future__ import annotations

import re
from functools import lru_cache

from lightkeeper.ads.extract.bytescan import folded_lowered
from lightkeeper.ads.extract.urls import KNOWN_TLDS


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`, for the word lists below."""
    return frozenset(words.split())


_MAX_LOCAL = 64
_MAX_DOMAIN = 253
_LEFT_WINDOW = 96

# "@" stand-ins. Scanning for a word ("\bat\b") costs ten times a scan that starts on a literal,
# so each kind is found by its own cheap pattern. A spelled-out "at" follows a space or an opening
# bracket; the patterns lead with the word, a literal, and look back for that character.
_AT_WORD = re.compile(r"at\b(?<=[ \t(\[{<]at)")
_ARROBA_WORD = re.compile(r"arroba\b(?<=[ \t(\[{<]arroba)")
_ENTITY = re.compile(r"&#0*64;|&#x0*40;|&commat;")
_LOCAL_DOT = r"(?:\.|[ \t]*[(\[{<][ \t]*(?:dot|punto)[ \t]*[)\]}>][ \t]*|[ \t]+(?:dot|punto)[ \t]+)"
# The local part is read backwards from the "@": one match on the reversed text instead of a
# search for the longest suffix, which retries at every start position.
_LOCAL_REVERSED = re.compile(
    r"[a-z0-9_%+-]+(?:(?:\.|[ \t]*[)\]}>][ \t]*(?:tod|otnup)[ \t]*[(\[{<][ \t]*"
    r"|[ \t]+(?:tod|otnup)[ \t]+)[a-z0-9_%+-]+)*"
)
_LOCAL_SPLIT = re.compile(_LOCAL_DOT)
# "(?:X|)", not "(?:X)?": the regex engine runs the latter as a repeat, several times dearer.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9]|)"
_DOMAIN_DOT = (
    r"[ \t]*\.[ \t]*|[ \t]*[(\[{<][ \t]*(?:dot|punto|\.)[ \t]*[)\]}>][ \t]*"
    r"|[ \t]+(?:dot|punto)[ \t]+|,"
)
_DOMAIN = re.compile(rf"{_LABEL}(?:(?:{_DOMAIN_DOT}){_LABEL}){{0,5}}")
_DOMAIN_SPLIT = re.compile(rf"({_DOMAIN_DOT})")
_BARE_TLD = re.compile(r"\s+(com|net|es|mx|ca|us|fr|de|it)\b")
_ALPHA_TLD = re.compile(r"[a-z]{2,24}")
_LETTER = re.compile(r"[a-z]")
_OPENERS = "([{<"
_CLOSERS = ")]}>"

# Mail providers whose domain ads often leave unfinished ("sara23 at gmail"): only those where
# one TLD is the obvious reading.
_PROVIDER_TLD = {
    "gmail": "com",
    "googlemail": "com",
    "icloud": "com",
    "protonmail": "com",
    "yahoo": "com",
    "hotmail": "com",
    "outlook": "com",
    "aol": "com",
    "ymail": "com",
}

# Words that stand before a spelled-out "at" in ordinary sentences ("email me at ...",
# "find her at ...") or are platform names ("IG @ name"): never a local part of a disguised address.
_NOT_LOCAL = _word_set(
    """me us him her them you it i we they is are am be was were here there now only also
    email e-mail mail correo contact contacto contactame write escribe escribeme reach find
    follow text call message msg dm available disponible located stay staying meet see
    ig insta instagram snap snapchat sc kik tg telegram twitter x of onlyfans whatsapp wa
    and or y o the a an to at in on by for from with de en la el mi su im its thats whats"""
)


def extract_emails(
    text: str, *, structured: str | None = None, folded: str | None = None
) -> list[str]:
    """Email addresses in `text` (and in the `structured` email field), lower-case.

    In order of first appearance without repeats, the structured field first. Decodes "name at
    domain dot com", "(at)/(dot)", "[at]", "{at}", "<at>", "name @ domain . com", Spanish
    "arroba"/"punto" and full-width characters; validates the shape of every result. `folded`,
    when given, is `bytescan.folded_lowered(text)`, shared with the other extractors of the ad.
    """
    found: dict[str, None] = {}  # insertion-ordered set: linear even for hostile input
    if structured:
        found.update(dict.fromkeys(_structured_emails(structured)))
    if text:
        found.update(dict.fromkeys(_emails_in(folded_lowered(text) if folded is None else folded)))
    return list(found)


# The email field of an operator's ads repeats from ad to ad.
@lru_cache(maxsize=8_192)
def _structured_emails(structured: str) -> tuple[str, ...]:
    """The addresses of a structured email field, in order, possibly with repeats."""
    return tuple(_emails_in(folded_lowered(structured)))


def _emails_in(low: str) -> list[str]:
    """Every address in one text, in order, possibly with repeats.

    `low` is the text as `bytescan.folded_lowered` gives it: full-width "＠" and "．" and other
    compatibility forms as plain ASCII, ASCII letters lower-cased.
    """
    emails: list[str] = []
    for start, end in _anchors(low):
        email = _email_at(low, start, end)
        if email is not None:
            emails.append(email)
    return emails


def _anchors(low: str) -> list[tuple[int, int]]:
    """Spans of "@" and of its stand-ins ("at", "arroba", "&#64;"), in order."""
    spans: list[tuple[int, int]] = []
    i = low.find("@")
    while i >= 0:
        spans.append((i, i + 1))
        i = low.find("@", i + 1)
    if "&#" in low:
        spans.extend(m.span() for m in _ENTITY.finditer(low))
    spans.extend(m.span() for m in _AT_WORD.finditer(low))
    if "arroba" in low:
        spans.extend(m.span() for m in _ARROBA_WORD.finditer(low))
    spans.sort()
    return spans


def _email_at(low: str, start: int, end: int) -> str | None:
    """The address around the "@" stand-in at low[start:end], or None."""
    token = low[start:end]
    left, opened = _separator_left(low, start)
    right, closed = _separator_right(low, end)
    if opened != closed:
        return None
    spaced = left < start or right > end
    if token in ("at", "arroba"):
        if not (opened or (left < start and right > end)):
            return None  # "at" glued to a word is part of that word
        kind = "bracket" if opened else "spoken"
    else:
        kind = "spaced" if spaced or opened else "tight"
    # The domain first: it rules out most "at" of ordinary sentences at the lower cost.
    domain = _domain_part(low, right, kind=kind)
    if domain is None:
        return None
    local = _local_part(low, left, kind=kind)
    if local is None:
        return None
    return f"{local}@{domain}"


def _separator_left(low: str, start: int) -> tuple[int, bool]:
    """Where the separator begins when extended left over spaces and an opening bracket."""
    i = _skip_spaces_left(low, start)
    if i > 0 and low[i - 1] in _OPENERS:
        return _skip_spaces_left(low, i - 1), True
    return i, False


def _separator_right(low: str, end: int) -> tuple[int, bool]:
    """Where the separator ends when extended right over a closing bracket and spaces."""
    i = _skip_spaces_right(low, end)
    if i < len(low) and low[i] in _CLOSERS:
        return _skip_spaces_right(low, i + 1), True
    return i, False


def _skip_spaces_left(low: str, i: int) -> int:
    while i > 0 and low[i - 1] in " \t":
        i -= 1
    return i


def _skip_spaces_right(low: str, i: int) -> int:
    while i < len(low) and low[i] in " \t":
        i += 1
    return i


def _local_part(low: str, end: int, *, kind: str) -> str | None:
    """The validated local part ending at low[end], dots decoded, or None."""
    match = _LOCAL_REVERSED.match(low[max(0, end - _LEFT_WINDOW) : end][::-1])
    if match is None:
        return None
    local = ".".join(_LOCAL_SPLIT.split(match.group(0)[::-1]))
    if kind != "tight" and local.rsplit(".", 1)[-1] in _NOT_LOCAL:
        return None
    if kind == "spoken" and (len(local) < 2 or not any(c.isalpha() for c in local)):
        return None
    if len(local) > _MAX_LOCAL or local.startswith(".") or local.endswith(".") or ".." in local:
        return None
    return local


def _domain_part(low: str, start: int, *, kind: str) -> str | None:
    """The validated domain starting at low[start], dots decoded, or None."""
    match = _DOMAIN.match(low, start)
    if match is None:
        return None
    pieces = _DOMAIN_SPLIT.split(match.group(0))
    labels = pieces[0::2]
    tight = [sep == "." for sep in pieces[1::2]]
    if len(labels) == 1:
        return _provider_domain(low, labels[0], match.end())
    domain = _longest_valid_domain(labels, tight, kind=kind)
    if domain is None or len(domain) > _MAX_DOMAIN:
        return None
    if kind != "tight" and not all(_LETTER.search(label) for label in domain.split(".")):
        return None  # "call HR at 1-972-555-0154. To ..." is a phone number, not a domain
    return domain


def _provider_domain(low: str, label: str, end: int) -> str | None:
    """A well-known mail provider written without its dot ("gmail com") or TLD ("gmail")."""
    tld = _PROVIDER_TLD.get(label)
    if tld is None:
        return None
    bare = _BARE_TLD.match(low, end)
    return f"{label}.{bare.group(1) if bare else tld}"


def _longest_valid_domain(labels: list[str], tight: list[bool], *, kind: str) -> str | None:
    """The longest prefix of `labels` that ends in a known TLD, else a plain alphabetic one.

    Trimming handles a sentence that goes on after the address ("sara@mail.com. Call me").
    """
    for count in range(len(labels), 1, -1):
        if labels[count - 1] in KNOWN_TLDS:
            return ".".join(labels[:count])
    all_tight = all(tight)
    if kind == "tight" and all_tight and _ALPHA_TLD.fullmatch(labels[-1]):
        return ".".join(labels)
    return None
