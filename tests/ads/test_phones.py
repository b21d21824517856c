"""Phone extraction: real-world-style positives, decoys, regions, structured field, properties."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.extract.phone_validity import valid_e164
from lightkeeper.ads.extract.phones import extract_phones

US = "+17135550123"
US2 = "+18325550199"
US3 = "+12145550147"
CA = "+14165550123"
CA2 = "+16045550188"
GB = "+447400123456"
GB_LONDON = "+442079460958"
ES = "+34612345678"
ES_MADRID = "+34912345678"
MX = "+525512345678"
MX_GDL = "+523312345678"

# (text, region, expected phones in order)
POSITIVES: list[tuple[str, str, list[str]]] = [
    # plain US formats
    ("Call (713) 555-0123 anytime", "US", [US]),
    ("text me 713-555-0123", "US", [US]),
    ("713.555.0123 new in town", "US", [US]),
    ("713 555 0123", "US", [US]),
    ("7135550123", "US", [US]),
    ("+1 713 555 0123", "US", [US]),
    ("1-713-555-0123", "US", [US]),
    ("+1 (713) 555-0123", "US", [US]),
    ("+17135550123", "US", [US]),
    ("(713)555-0123", "US", [US]),
    ("713/555-0123", "US", [US]),
    ("toll free 1-800-555-0199", "US", ["+18005550199"]),
    # spelled English and Spanish, any case, any separator
    ("seven one three five five five zero one two three", "US", [US]),
    ("SEVEN one Three - five FIVE five - ZERO one two three", "US", [US]),
    ("seven.one.three.five.five.five.zero.one.two.three", "US", [US]),
    ("call seven one three, five five five, zero one two three", "US", [US]),
    ("seven one three five five five oh one two three", "US", [US]),
    ("siete uno tres cinco cinco cinco cero uno dos tres", "US", [US]),
    ("Siete-Uno-Tres-Cinco-Cinco-Cinco-Cero-Uno-Dos-Tres", "MX", ["+527135550123"]),
    ("phone seven one three 555 0123 only", "US", [US]),
    # digits mixed with words, also glued
    ("7one3 five5five 0one2three", "US", [US]),
    ("7uno3 cinco5cinco 0uno2tres", "US", [US]),
    ("Call 7one3-5five5-0onetwo3 now", "US", [US]),
    ("sevenone3 555 zeroone23", "US", [US]),
    # look-alike letters inside digit runs
    ("7I3-55S-O1Z3", "US", [US]),
    ("(7l3) 555.O123", "US", [US]),
    ("Call 7l3 S5S OI23", "US", [US]),
    ("7|3-555-0|23", "US", [US]),
    ("6I2-34S-678", "ES", [ES]),
    # separators
    ("7 1 3 * 5 5 5 * 0 1 2 3", "US", [US]),
    ("713~555~0123", "US", [US]),
    ("7_1_3/5_5_5/0_1_2_3", "US", [US]),
    ("713|555|0123", "US", [US]),
    ("7 1 3 5 5 5 0 1 2 3", "US", [US]),
    ("7.1.3.5.5.5.0.1.2.3", "US", [US]),
    ("713 - 555 - 0123", "US", [US]),
    ("[713] 555_0123", "US", [US]),
    # emoji keycaps, full-width and other Unicode digits, invisible characters
    ("7️⃣1️⃣3️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣", "US", [US]),
    ("7⃣1⃣3⃣5⃣5⃣5⃣0⃣1⃣2⃣3⃣", "US", [US]),
    ("call ７１３－５５５－０１２３", "US", [US]),
    ("𝟕𝟏𝟑 𝟓𝟓𝟓 𝟎𝟏𝟐𝟑", "US", [US]),
    ("⑦①③ ⑤⑤⑤ ⓪①②③", "US", [US]),
    ("٧١٣ ٥٥٥ ٠١٢٣", "US", [US]),
    ("7\u200b1\u200b3 555\u200b0123", "US", [US]),
    ("❤️ 713 555 0123 ❤️", "US", [US]),
    # Canada
    ("416-555-0123", "CA", [CA]),
    ("(604) 555-0188 Vancouver", "CA", [CA2]),
    ("+1 416 555 0123", "CA", [CA]),
    ("four one six five five five zero one two three", "CA", [CA]),
    # Great Britain
    ("07400 123456", "GB", [GB]),
    ("07400123456", "GB", [GB]),
    ("+44 7400 123456", "US", [GB]),
    ("+44 (0)7400 123456", "GB", [GB]),
    ("0044 7400 123456", "US", [GB]),
    ("WhatsApp 44 7400 123456", "US", [GB]),
    ("020 7946 0958", "GB", [GB_LONDON]),
    ("zero seven four zero zero one two three four five six", "GB", [GB]),
    ("O74OO l23456", "GB", [GB]),
    # Spain
    ("612 345 678", "ES", [ES]),
    ("612 34 56 78", "ES", [ES]),
    ("612345678", "ES", [ES]),
    ("612-34-56-78", "ES", [ES]),
    ("+34 612 345 678", "US", [ES]),
    ("+34 612 34 56 78", "GB", [ES]),
    ("0034 612345678", "US", [ES]),
    ("91 234 56 78", "ES", [ES_MADRID]),
    ("seis uno dos tres cuatro cinco seis siete ocho", "ES", [ES]),
    ("Llámame al seis uno dos, tres cuatro cinco, seis siete ocho", "ES", [ES]),
    # Mexico
    ("55 1234 5678", "MX", [MX]),
    ("(55) 1234-5678", "MX", [MX]),
    ("+52 55 1234 5678", "US", [MX]),
    ("+52 1 55 1234 5678", "US", [MX]),
    ("044 55 1234 5678", "MX", [MX]),
    ("cinco cinco uno dos tres cuatro cinco seis siete ocho", "MX", [MX]),
    ("cel. 55-1234-5678 y 33-1234-5678", "MX", [MX, MX_GDL]),
    # numbers impossible in the ad's region but plainly British or Spanish
    ("Información al 612 34 56 78.", "US", [ES]),
    ("Reach me at 07400 123456.", "US", [GB]),
    ("Reach me at 07400 123456.", "MX", [GB]),
    ("cero siete cuatro cero cero uno dos tres cuatro cinco seis", "US", [GB]),
    # NANP numbers advertised in Spain need their 1
    ("1 713 555 0123", "ES", [US]),
    ("+1 713 555 0123", "ES", [US]),
    # several numbers, repeats, order of appearance
    ("713-555-0123 or 832-555-0199", "US", [US, US2]),
    ("832-555-0199 | 713-555-0123 | 832-555-0199", "US", [US2, US]),
    ("713 555 0123 832 555 0199", "US", [US, US2]),
    ("713-555-0123/832-555-0199", "US", [US, US2]),
    ("Call 713.555.0123. Text 214 555 0147.", "US", [US, US3]),
    # phones among decoys
    ("Post ID: 7134567890 call 713-555-0123", "US", [US]),
    ("12/05/2024 713-555-0123", "US", [US]),
    ("34-24-36 713-555-0123", "US", [US]),
    ("36DD-24-36 | 713-555-0123", "US", [US]),
    ("$200 713-555-0123", "US", [US]),
    ("Call 713-555-0123 $200/hr", "US", [US]),
    ("713-555-0123 200 roses", "US", [US]),
    ("Available 24/7. 713 555 0123", "US", [US]),
    ("24/7 713 555 0123", "US", [US]),
    ("age 27 612 345 678", "ES", [ES]),
    ("May 12 2024 - 713~555~0123", "US", [US]),
    ("12 de mayo de 2024 612 345 678", "ES", [ES]),
    ("150hh 250h 1000 overnight 713-555-0123", "US", [US]),
    ("Ad 1234 posted today, call 713 555 0123", "US", [US]),
    ("713-555-0123Available now", "US", [US]),
    (
        "Reach me at 713 555 0123. Report abuse or suspicious ads: 800 555 0199.",
        "US",
        [US, "+18005550199"],
    ),
    ("Houston, TX 77096 7 1 3 - 5 5 5 - 0 1 2 3", "US", [US]),
    ("Houston, TX 77096 siete-uno-tres-cinco-cinco-cinco-cero-uno-dos-tres", "US", [US]),
    ("(55) 1234-5678 24/7", "MX", [MX]),
    ("Booking for 27/08 - 30/08. Call +52 (55) 1234 5678.", "MX", [MX]),
    ("Vacante núm. 7134567890. Informes al 55 1234 5678.", "MX", [MX]),
    ("Vacantte núm. 7134567890. Informes al 55 1234 5678.", "MX", [MX]),
    ("Job # 7134567890. Call HR at (713) 555-0123.", "US", [US]),
    ("https://wa.me/17135550123", "US", [US]),
    ("tel:+17135550123", "US", [US]),
    ("call/text:713-555-0123", "US", [US]),
    ("(+34) 612 345 678", "US", [ES]),
    ("+34.612.345.678", "US", [ES]),
    ("01 (55) 1234-5678", "MX", [MX]),
    ("27 612 345 678", "ES", [ES]),
    ("713 . 555 . 0123", "US", [US]),
    ("7 - 1 - 3 - 5 - 5 - 5 - 0 - 1 - 2 - 3", "US", [US]),
    ("7,1,3,5,5,5,0,1,2,3", "US", [US]),
    ("Solo mensajes al 612-34-SS-78.", "ES", ["+34612345578"]),
    ("Llámame al 612.34.56.BS.", "ES", ["+34612345685"]),
    ("Book now 612-34-oo-78.", "ES", ["+34612340078"]),
    ("Book now 713 fivefivefive zeroonetwothree.", "US", [US]),
    ("Call me sevenonethree fivefivefive zeroonetwothree, one hour min", "US", [US]),
    ("kik me: estrella_3522 Medidas: 96-61-90, 1.70 m. 55 1234 5678", "MX", [MX]),
    ("Call our office at 612 34 56 seveneight.", "ES", [ES]),
    (
        "Citas al SEIS UNO DOS / TRES CUATRO CINCO / SEIS SIETE OCHO o "
        "nueve uno dos tres cuatro cinco seis siete ocho.",
        "ES",
        [ES, ES_MADRID],
    ),
    (
        "Nueva en la ciudad 💋 masaje relajante, 23 añitos, 150 rosas. "
        "Llámame: seis1dos 3cuatro5 seis7ocho. New in town, call or text.",
        "ES",
        [ES],
    ),
    (
        "Sweet and classy companionship, incall/outcall. 34-24-36, 5'6\", 120 lbs. "
        "Rates $200/hr, 150hh. Post ID: 8325550100. Text 7I3 SSS OI23 or 832.555.0199",
        "US",
        [US, US2],
    ),
]

DECOYS: list[tuple[str, str]] = [
    ("Rates: $200/hr, 300 roses for 2 hours", "US"),
    ("150hh 250h 1000 overnight", "US"),
    ("Price 150 250 400 1000", "US"),
    ("80 for 30 min, 150 for 60 min", "US"),
    ("€100 media hora, €150 hora", "ES"),
    ("$1,500 weekly, €1.200", "US"),
    ("34-24-36, 5'6\", 120 lbs", "US"),
    ("36DD-26-38", "US"),
    ("Posted 2024-05-12 10:30pm", "US"),
    ("Available 12/05/2024 to 19/05/2024", "US"),
    ("Only 2 days: 12/05/2024-14/05/2024", "US"),
    ("2024-05-12 2024-05-19", "US"),
    ("May 12 2024 - May 19 2024", "US"),
    ("Hours 10am-4pm, 7 days", "US"),
    ("10:30 - 11:45, 12:00 - 14:30", "US"),
    ("Houston, TX 77002-1234", "US"),
    ("CP 28013 Madrid, C.P. 06600", "MX"),
    ("23 yo, age 24", "US"),
    ("tengo 23 años, 1,60 m, 55 kg", "ES"),
    ("Post ID: 7134567890", "US"),
    ("post id:7134567890", "US"),
    ("ID #7134567890", "US"),
    ("Ref 7134567890", "US"),
    ("reference: 7134567890", "US"),
    ("Ad #7134567890", "US"),
    ("Ad no. 7134567890", "US"),
    ("listing 7134567890", "US"),
    ("order 7134567890", "US"),
    ("Order 71345678901234567890", "US"),
    ("Ad 1234 posted 5678901", "US"),
    ("Ad 1234. 5678901", "US"),
    ("000-000-0000", "US"),
    ("123-456-7890", "US"),
    ("555-555-5555", "US"),
    ("one hour, two girls, dos horas, tres noches", "US"),
    ("BOSS lady from Oslo, Sol y playa", "US"),
    ("credit card 4111 1111 1111 1111", "US"),
    ("Room 1204, floor 12, 3 nights", "US"),
    ("24/7 365 days", "US"),
    ("12345678901234567890", "US"),
    ("price $ 7134567890", "US"),
    ("USD 7134567890", "US"),
    ("zip code 7134567890", "US"),
    ("Call 713-555-0123x", "US"),
    ("Job # 7134567890", "US"),
    ("Vacante núm. 7134567890", "MX"),
    ("Ref nº 7134567890", "US"),
    ("https://site.example/post/7134567890", "US"),
    ("see site.example/ads/7134567890.html", "US"),
    ("www.site.example?id=7134567890", "US"),
    ("mia7135550123@gmail.com", "US"),
    ("Booking for 27/08 - 30/08", "MX"),
    ("kik me: estrella_3522 87-56-90, 1.73 m", "MX"),
    ("Houston, TX 77002-1234 77003", "US"),
    ("7135550123", "GB"),  # a British national number carries its trunk 0
    ("713 555 0123", "ES"),  # a US number in Spain needs its 1
    ("55 1234 5678", "ES"),  # nor is a ten-digit number guessed Mexican
    ("(713) 555-0123", "XX"),  # unknown region: only numbers with a country code
    ("", "US"),
]


def _is_valid_e164(phone: str) -> bool:
    parsed = phonenumbers.parse(phone)
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return phonenumbers.is_valid_number(parsed) and formatted == phone


def test_expected_numbers_of_the_tables_are_valid() -> None:
    expected = {phone for _, _, phones in POSITIVES for phone in phones}
    assert expected
    assert all(_is_valid_e164(phone) for phone in expected)


@pytest.mark.parametrize(("text", "region", "expected"), POSITIVES)
def test_finds_phones(text: str, region: str, expected: list[str]) -> None:
    assert extract_phones(text, region=region) == expected


@pytest.mark.parametrize(("text", "region"), DECOYS)
def test_ignores_decoys(text: str, region: str) -> None:
    assert extract_phones(text, region=region) == []


@pytest.mark.parametrize(
    ("structured", "expected"),
    [
        ("713-555-0123", [US]),
        ("713-555-0123 / 832-555-0199", [US, US2]),
        ("713-555-0123, 832-555-0199; 214-555-0147", [US, US2, US3]),
        ("713-555-0123|832-555-0199", [US, US2]),
        ("seven one three 555 0123", [US]),
        ("7I3.555.OI23", [US]),
        ("+44 7400 123456", [GB]),
        ("n/a", []),
        ("", []),
    ],
)
def test_reads_the_structured_field(structured: str, expected: list[str]) -> None:
    assert extract_phones("", region="US", structured=structured) == expected


def test_text_numbers_come_before_structured_ones_without_repeats() -> None:
    phones = extract_phones(
        "call 832-555-0199 or 713-555-0123", region="US", structured="713.555.0123, 214 555 0147"
    )
    assert phones == [US2, US, US3]


def test_region_is_case_insensitive_and_defaults_to_us() -> None:
    assert extract_phones("612 345 678", region="es") == [ES]
    assert extract_phones("713 555 0123") == [US]


def test_same_number_in_different_obfuscations_is_returned_once() -> None:
    text = "713-555-0123, seven one three 555 0123, 7I3.SSS.OI23, ７１３５５５０１２３"
    assert extract_phones(text, region="US") == [US]


# --- properties ------------------------------------------------------------------------------

_REGIONS = st.sampled_from(["US", "CA", "GB", "ES", "MX", "XX", "", "zz", "us"])


@settings(max_examples=300, deadline=None)
@given(text=st.text(), region=_REGIONS, structured=st.none() | st.text(max_size=60))
def test_never_raises_and_returns_unique_valid_e164(
    text: str, region: str, structured: str | None
) -> None:
    phones = extract_phones(text, region=region, structured=structured)
    assert len(phones) == len(set(phones))
    assert all(_is_valid_e164(phone) for phone in phones)


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from("0123456789 -.()+*~/_|oOIlSB\n,;:$#onetwosiete"), max_size=4000
    ),
    region=_REGIONS,
)
def test_long_digit_heavy_inputs_stay_valid(text: str, region: str) -> None:
    phones = extract_phones(text, region=region)
    assert len(phones) == len(set(phones))
    assert all(_is_valid_e164(phone) for phone in phones)


_AREA_CODES = ["713", "832", "214", "305", "212", "404", "702", "312", "646", "786"]
_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_ES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
_RENDERINGS = {
    "dashes": lambda d: f"{d[:3]}-{d[3:6]}-{d[6:]}",
    "brackets": lambda d: f"({d[:3]}) {d[3:6]}-{d[6:]}",
    "plus": lambda d: f"+1 {d[:3]} {d[3:6]} {d[6:]}",
    "spelled_en": lambda d: " ".join(_EN[int(c)] for c in d),
    "spelled_es": lambda d: "-".join(_ES[int(c)] for c in d),
    "keycap": lambda d: "".join(c + "\ufe0f\u20e3" for c in d),
    "fullwidth": lambda d: "".join(chr(0xFF10 + int(c)) for c in d),
    "spaced": " ".join,
    "stars": lambda d: "*".join((d[:3], d[3:6], d[6:])),
}


@st.composite
def _us_numbers(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(_AREA_CODES))
    exchange = draw(st.integers(min_value=200, max_value=999))
    line = draw(st.integers(min_value=0, max_value=9999))
    return f"{area}{exchange}{line:04d}"


@settings(max_examples=200, deadline=None)
@given(
    digits=_us_numbers(),
    rendering=st.sampled_from(sorted(_RENDERINGS)),
    before=st.sampled_from(["Call ", "new in town! text ", "$150/hr. ", "34-24-36 | ", ""]),
    after=st.sampled_from([" anytime", " 200 roses", ". Post ID: 8325550100", "", " 10am-4pm"]),
)
def test_finds_every_valid_us_number_however_written(
    digits: str, rendering: str, before: str, after: str
) -> None:
    expected = "+1" + digits
    text = before + _RENDERINGS[rendering](digits) + after
    phones = extract_phones(text, region="US")
    if _is_valid_e164(expected):
        assert phones == [expected]
    else:
        assert expected not in phones


# --- the fast validity check agrees with phonenumbers ------------------------------------------

_COUNTRY_CODES = sorted(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@st.composite
def _numbers_to_validate(draw: st.DrawFn) -> tuple[str, str]:
    region = draw(st.sampled_from(["US", "CA", "GB", "ES", "MX", "VE", "FR", "JP", "AU", "ZZ"]))
    digits = draw(st.text(alphabet="0123456789", min_size=7, max_size=17))
    if draw(st.booleans()):
        digits = draw(st.sampled_from(_COUNTRY_CODES)) + digits[: draw(st.integers(6, 13))]
    plus = region == "ZZ" or draw(st.booleans())
    return ("+" if plus else "") + digits, region


def _library_e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=600, deadline=None)
@given(case=_numbers_to_validate())
def test_valid_e164_agrees_with_phonenumbers(case: tuple[str, str]) -> None:
    number, region = case
    assert valid_e164(number, region) == _library_e164(number, region)


@pytest.mark.parametrize(
    ("number", "region", "expected"),
    [
        ("7135550123", "US", US),
        ("4165550123", "CA", CA),
        ("+447400123456", "ZZ", GB),
        ("07400123456", "GB", GB),  # trunk "0": left to phonenumbers
        ("612345678", "ES", ES),
        ("5512345678", "MX", MX),
        ("+8005550123", "ZZ", None),
        ("34612345678", "ES", ES),  # the region's own country code without "+"
        ("011447400123456", "US", GB),  # an international prefix
        ("1234567", "US", None),
    ],
)
def test_valid_e164_examples(number: str, region: str, expected: str | None) -> None:
    assert valid_e164(number, region) == expected
