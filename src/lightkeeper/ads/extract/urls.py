"""URLs in ad text: http(s) links, www. addresses and bare domains followed by a path.

Also home of the set of top-level domains the email extractor shares, so that "a bare word with a
dot" becomes an identifier only when its last label is a real TLD.
"""

from __future__ import annotations

import re


def _word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`, for the word lists below."""
    return frozenset(words.split())


MAX_URL_CHARS = 2048

# Country-code TLDs (ISO 3166 plus uk/eu/su) and the generic TLDs ads actually use. A bare domain
# or a spelled-out email ("name at site dot xyz") must end in one of these ("example" is the
# TLD reserved for documentation, which synthetic corpora use).
COUNTRY_TLDS = _word_set(
    """ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br
    bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cs cu cv cw cx cy cz de dj dk dm do dz
    ec ee eg eh er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy
    hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la
    lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz
    na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru
    rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm
    tn to tr tt tv tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw"""
)
GENERIC_TLDS = _word_set(
    """com net org edu gov mil int info biz name pro mobi app dev xyz online site store shop club
    live email link top vip fun art blog cloud space tech website life world today page chat
    social media agency services love dating sexy guru ninja rocks cool works news network zone
    one fyi lol icu asia tel travel black pink red blue gold moe example"""
)
KNOWN_TLDS = COUNTRY_TLDS | GENERIC_TLDS

_TOKEN_END = re.compile(r"[^\s<>\"'`]*")
_URL_IN_TOKEN = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'`]+"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9]|)\.)+([a-z]{2,24})/[^\s<>\"'`]*",
    re.IGNORECASE,
)
# "www." in any case: led by the dot, a literal the regex engine can skip to.
_WWW = re.compile(r"\.(?<=[wW][wW][wW]\.)")
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9]|)\.)+([a-z]{2,24})$")
_TRAILING = ".,;:!?'\")]}>*…"


def extract_urls(text: str) -> list[str]:
    """URLs written in `text`, in order of first appearance, without repeats.

    Finds http(s) links, "www." addresses and bare domains followed by a path
    ("instagram.com/name"); never emails. Scheme and host are lower-cased, the path is kept as
    written; trailing punctuation is dropped; URLs longer than 2048 characters are skipped.
    """
    anchors = _anchors(text)
    if not anchors:
        return []
    found: list[str] = []
    seen: set[str] = set()
    for token in _candidate_tokens(text, anchors):
        if not _may_hold_url(token):
            continue
        for match in _URL_IN_TOKEN.finditer(token):
            url = _url_from_match(match)
            if url is not None and url not in seen:
                seen.add(url)
                found.append(url)
    return found


def _anchors(text: str) -> list[int]:
    """Positions of every "/" and of every "www." in any case, in order.

    Lower-casing a whole text that is not ASCII costs more than the rest of this extractor, so
    "www." is found from its dot (`_WWW`). Only "İ" lower-cases to two characters; then the
    positions are those of the lower-cased text, as they always were.
    """
    slash = text.find("/")
    www = _WWW.search(text)
    if slash < 0 and www is None:
        return []  # most texts: no URL can be in them
    if "\u0130" in text:
        low = text.lower()
        anchors = _positions(low, "/") + _positions(low, "www.")
    else:
        anchors = []
        while slash >= 0:
            anchors.append(slash)
            slash = text.find("/", slash + 1)
        if www is not None:
            anchors.extend(match.start() - 3 for match in _WWW.finditer(text, www.start()))
    anchors.sort()
    return anchors


def _candidate_tokens(text: str, anchors: list[int]) -> list[str]:
    """Whitespace-delimited tokens of `text` holding one of the `anchors`, in order, each once."""
    tokens: list[str] = []
    last_end = -1
    for pos in anchors:
        if pos < last_end:
            continue
        # The last whitespace before the anchor: the newline and tab searches start after the
        # last space, not at the start of the text.
        start = text.rfind(" ", 0, pos)
        start = max(start, text.rfind("\n", start + 1, pos), text.rfind("\t", start + 1, pos))
        start = max(start + 1, last_end)
        match = _TOKEN_END.match(text, pos)
        end = match.end() if match else pos
        tokens.append(text[start:end])
        last_end = end
    return tokens


def _may_hold_url(token: str) -> bool:
    """False when `_URL_IN_TOKEN` cannot match in `token` ("24/7", "y/o", "incall/outcall").

    A URL needs a scheme ("://"), a "www." or a dot in the domain before its path; most tokens
    with a slash have none, and trying the pattern at each of their characters costs more.
    """
    if "://" in token:
        return True
    slash = token.rfind("/")
    return (slash > 0 and "." in token[:slash]) or _WWW.search(token) is not None


def _positions(haystack: str, needle: str) -> list[int]:
    """Every start index of `needle` in `haystack`."""
    found: list[int] = []
    i = haystack.find(needle)
    while i >= 0:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _url_from_match(match: re.Match[str]) -> str | None:
    """The normalised URL of one regex match, or None when it is not a plausible URL."""
    url = _strip_trailing(match.group(0))
    if len(url) > MAX_URL_CHARS:
        return None
    tld = match.group(1)
    if tld is not None and tld.lower() not in KNOWN_TLDS:
        return None
    return _normalised(url)


def _strip_trailing(url: str) -> str:
    """`url` without trailing punctuation, keeping a ")" that closes a "(" inside the URL."""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _normalised(url: str) -> str | None:
    """`url` with its scheme and host lower-cased; None if the host is not a domain name."""
    scheme = ""
    match = _SCHEME.match(url)
    if match:
        scheme = match.group(0).lower()
        url = url[match.end() :]
    cut = len(url)
    for sep in "/?#":
        i = url.find(sep)
        if 0 <= i < cut:
            cut = i
    host, rest = url[:cut].lower(), url[cut:]
    hostname = host.rsplit("@", 1)[-1].split(":", 1)[0]
    if not scheme and not _is_known_domain(hostname):
        return None
    if scheme and not hostname:
        return None
    return scheme + host + rest


def _is_known_domain(host: str) -> bool:
    """True when `host` is a dotted domain name ending in a known TLD."""
    match = _HOST.match(host)
    return match is not None and match.group(1) in KNOWN_TLDS
