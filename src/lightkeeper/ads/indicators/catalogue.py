"""The indicator catalogue: load, validate and merge the default catalogue with a user's file.

The catalogue is data (``lightkeeper/data/indicators/catalogue.toml``), not code. A user file in
the same layout (TOML or JSON) is merged over it: an entry whose ``code`` exists changes only the
fields it gives (``weight = 0.5``, ``enabled = false``, ``patterns.en = [...]`` replaces the English
list, ``extra_patterns.en = [...]`` appends to it); an entry with a new code must be complete.
Every problem is reported as one `ConfigError` sentence naming the file and the indicator.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from lightkeeper.errors import ConfigError

FAMILIES = ("sex", "labour", "both")
LEVELS = ("ad", "network")
AD_DETECTORS = ("text", "absent", "obscured_phone", "several_names", "minor_age")
NETWORK_DETECTORS = (
    "personas_per_phone",
    "phones_per_persona",
    "fast_circuit",
    "multi_site",
    "high_volume",
    "low_price",
)
APPLIES_TO = ("any", "job_offer")
MAX_WEIGHT = 20.0
INTERCEPT_KEYS = {"ad": "intercept_ad", "network": "intercept_network", "job": "intercept_job"}
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,47}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$|^any$")
_TEXT_FIELDS = ("name", "description")
_FIELDS = frozenset(
    {
        "code", "name", "family", "level", "direction", "weight", "evidence", "source",
        "detector", "patterns", "regex", "applies_to", "params", "description", "explain",
        "verify", "names", "enabled", "extra_patterns",
    }
)  # fmt: skip
_LIST_MAPS = ("patterns", "regex")
_TEXT_MAPS = ("explain", "verify", "names")


@dataclass(frozen=True, eq=False)
class Indicator:
    """One indicator: what it detects, how strongly, and on what evidence."""

    code: str
    name: str
    family: str  # sex | labour | both
    level: str  # ad | network
    direction: int  # +1 raises risk, -1 lowers it
    weight: float  # log-odds, >= 0; the contribution is direction * weight
    evidence: str  # grade: A, B, C (see Catalogue.grades)
    source: str  # citations, resolved from the catalogue's [sources]
    detector: str = "text"
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> phrases
    regex: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> regexes
    applies_to: str = "any"
    params: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    explain: Mapping[str, str] = field(default_factory=dict)  # lang -> plain-language text
    verify: Mapping[str, str] = field(default_factory=dict)  # lang -> what to check
    names: Mapping[str, str] = field(default_factory=dict)  # lang -> name in that language
    enabled: bool = True

    @property
    def contribution(self) -> float:
        """The log-odds this indicator adds when it fires (negative when it lowers risk)."""
        return self.direction * self.weight

    def param(self, name: str, default: float) -> float:
        """A numeric parameter of the detector, or `default` when the catalogue sets none."""
        return float(self.params.get(name, default))

    def name_in(self, lang: str) -> str:
        """The indicator's name in `lang`, or its (English) name."""
        return self.names.get(lang) or self.name

    def text_in(self, kind: str, lang: str) -> str:
        """The `explain` or `verify` text in `lang`, falling back to English, else ''."""
        texts: Mapping[str, str] = self.explain if kind == "explain" else self.verify
        return texts.get(lang) or texts.get("en") or ""


@dataclass(frozen=True, eq=False)
class Catalogue:
    """A validated, merged catalogue: the indicators and the model's intercepts."""

    indicators: tuple[Indicator, ...]
    intercepts: Mapping[str, float]  # "ad", "network", "job" -> prior log-odds
    contexts: Mapping[str, tuple[str, ...]]  # context name -> phrases (all languages)
    grades: Mapping[str, str]
    sources: Mapping[str, str]
    calibration: str = ""
    files: tuple[str, ...] = ()

    def intercept(self, level: str) -> float:
        """The prior log-odds of `level` ("ad", "network" or "job")."""
        return float(self.intercepts[level])

    def active(self, *, level: str | None = None) -> tuple[Indicator, ...]:
        """The enabled indicators, optionally only those of one level."""
        return tuple(
            i for i in self.indicators if i.enabled and (level is None or i.level == level)
        )

    def get(self, code: str) -> Indicator:
        """The indicator with this code (KeyError when unknown)."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)


def default_catalogue_path() -> Path:
    """Where the default catalogue shipped with Lightkeeper lives."""
    return Path(str(resources.files("lightkeeper") / "data" / "indicators" / "catalogue.toml"))


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The default catalogue, with the user catalogue file at `path` merged over it if given.

    `path` is a TOML or JSON file in the catalogue's layout (see docs/indicators.md). Raises
    ConfigError, one sentence naming the file and the indicator, when anything is invalid.
    """
    default = default_catalogue_path()
    raw = read_catalogue_file(default)
    files = [str(default)]
    if path is not None:
        raw = merge_raw(raw, read_catalogue_file(path), where=str(path))
        files.append(str(path))
    return build_catalogue(raw, files=tuple(files))


def read_catalogue_file(path: Path) -> dict[str, Any]:
    """The raw mapping in a catalogue file (TOML, or JSON when it ends in .json)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: catalogue file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the catalogue file: {e}") from e
    try:
        data: Any = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"{path}: not a valid catalogue file: {e}") from e
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a catalogue file must hold a table (mapping) at the top")
    return data


def merge_raw(base: dict[str, Any], user: dict[str, Any], *, where: str) -> dict[str, Any]:
    """`base` with the user file's tables and indicator entries merged over it."""
    merged = dict(base)
    for key in ("model", "grades", "sources", "contexts"):
        if key in user:
            if not isinstance(user[key], dict):
                raise ConfigError(f"{where}: [{key}] must be a table")
            merged[key] = {**base.get(key, {}), **user[key]}
    entries = user.get("indicator", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: 'indicator' must be a list of tables ([[indicator]])")
    by_code = {entry.get("code"): dict(entry) for entry in base.get("indicator", [])}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            raise ConfigError(f"{where}: every [[indicator]] entry needs a string 'code'")
        code = entry["code"]
        by_code[code] = _merge_entry(by_code.get(code, {}), entry)
    merged["indicator"] = list(by_code.values())
    return merged


def _merge_entry(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        if key in (*_LIST_MAPS, *_TEXT_MAPS, "params") and isinstance(value, dict):
            out[key] = {**old.get(key, {}), **value}
        elif key == "extra_patterns" and isinstance(value, dict):
            patterns = {lang: list(items) for lang, items in old.get("patterns", {}).items()}
            for lang, items in value.items():
                patterns[lang] = [
                    *patterns.get(lang, []),
                    *(items if isinstance(items, list) else [items]),
                ]
            out["patterns"] = patterns
        else:
            out[key] = value
    return out


def build_catalogue(raw: Mapping[str, Any], *, files: tuple[str, ...] = ()) -> Catalogue:
    """Validate a raw (merged) catalogue mapping into a `Catalogue`."""
    where = files[-1] if files else "catalogue"
    model = _table(raw, "model", where)
    grades = {str(k): str(v) for k, v in _table(raw, "grades", where).items()}
    sources = {str(k): str(v) for k, v in _table(raw, "sources", where).items()}
    intercepts = {
        level: _number(model, key, where, "[model]") for level, key in INTERCEPT_KEYS.items()
    }
    contexts = _contexts(_table(raw, "contexts", where), where)
    entries = raw.get("indicator", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{where}: the catalogue has no [[indicator]] entries")
    indicators = tuple(
        _indicator(entry, grades=grades, sources=sources, where=where) for entry in entries
    )
    _check_unique(indicators, where)
    return Catalogue(
        indicators=indicators,
        intercepts=intercepts,
        contexts=contexts,
        grades=grades,
        sources=sources,
        calibration=str(model.get("calibration", "")),
        files=files,
    )


def _table(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def _number(table: Mapping[str, Any], key: str, where: str, what: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{where}: {what} needs a finite number '{key}'")
    return float(value)


def _contexts(table: Mapping[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, langs in table.items():
        if not isinstance(langs, dict):
            raise ConfigError(f"{where}: [contexts.{name}] must map languages to phrase lists")
        phrases = [
            p for lang in sorted(langs) for p in _strings(langs[lang], where, f"contexts.{name}")
        ]
        out[str(name)] = tuple(phrases)
    if "job_offer" not in out:
        raise ConfigError(f"{where}: [contexts.job_offer] phrases are required")
    return out


def _strings(value: Any, where: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {what} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _lang_map(
    entry: Mapping[str, Any], key: str, where: str, code: str
) -> dict[str, tuple[str, ...]]:
    value = entry.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: indicator {code}: '{key}' must map languages to lists")
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if not _LANG.match(str(lang)):
            raise ConfigError(f"{where}: indicator {code}: '{lang}' is not a language code")
        out[str(lang)] = _strings(items, where, f"indicator {code}: {key}.{lang}")
    return out


def _text_map(entry: Mapping[str, Any], key: str, where: str, code: str) -> dict[str, str]:
    value = entry.get(key, {})
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where}: indicator {code}: '{key}' must map languages to texts")
    return {str(k): v.strip() for k, v in value.items()}


def _choice(
    entry: Mapping[str, Any],
    key: str,
    options: tuple[str, ...],
    *,
    where: str,
    default: str | None = None,
) -> str:
    code = entry.get("code")
    value = entry.get(key, default)
    if value not in options:
        allowed = ", ".join(options)
        raise ConfigError(
            f"{where}: indicator {code}: '{key}' must be one of {allowed}, not {value!r}"
        )
    return str(value)


def _indicator(
    entry: Any, *, grades: Mapping[str, str], sources: Mapping[str, str], where: str
) -> Indicator:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: every [[indicator]] entry must be a table")
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        raise ConfigError(
            f"{where}: indicator code {code!r} must be upper-case letters, digits and '_'"
        )
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ConfigError(f"{where}: indicator {code}: unknown field(s) {', '.join(unknown)}")
    for key in _TEXT_FIELDS:
        if key in entry and not isinstance(entry[key], str):
            raise ConfigError(f"{where}: indicator {code}: '{key}' must be a string")
    if not str(entry.get("name", "")).strip():
        raise ConfigError(f"{where}: indicator {code} needs a 'name' (a new code must be complete)")
    level = _choice(entry, "level", LEVELS, where=where)
    detectors = AD_DETECTORS if level == "ad" else NETWORK_DETECTORS
    detector = _choice(
        entry, "detector", detectors, where=where, default="text" if level == "ad" else None
    )
    weight = _number(entry, "weight", where, f"indicator {code}")
    if not 0 <= weight <= MAX_WEIGHT:
        raise ConfigError(
            f"{where}: indicator {code}: 'weight' must be between 0 and {MAX_WEIGHT:g} "
            "(the sign goes in 'direction')"
        )
    direction = entry.get("direction")
    if direction not in (1, -1) or isinstance(direction, bool):
        raise ConfigError(f"{where}: indicator {code}: 'direction' must be 1 or -1")
    grade = entry.get("evidence")
    if grade not in grades:
        raise ConfigError(
            f"{where}: indicator {code}: 'evidence' must be one of the grades "
            f"{', '.join(sorted(grades))}"
        )
    patterns = _lang_map(entry, "patterns", where, code)
    regex = _lang_map(entry, "regex", where, code)
    if detector in ("text", "absent") and not (patterns or regex):
        raise ConfigError(f"{where}: indicator {code} needs 'patterns' or 'regex'")
    _check_regexes(regex, where, code)
    params = entry.get("params", {})
    if not isinstance(params, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in params.values()
    ):
        raise ConfigError(f"{where}: indicator {code}: 'params' must map names to numbers")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: indicator {code}: 'enabled' must be true or false")
    return Indicator(
        code=code,
        name=str(entry["name"]).strip(),
        family=_choice(entry, "family", FAMILIES, where=where),
        level=level,
        direction=int(direction),
        weight=weight,
        evidence=str(grade),
        source=_resolve_source(entry.get("source"), sources, where, code),
        detector=detector,
        patterns=patterns,
        regex=regex,
        applies_to=_choice(entry, "applies_to", APPLIES_TO, where=where, default="any"),
        params={str(k): float(v) for k, v in params.items()},
        description=str(entry.get("description", "")).strip(),
        explain=_text_map(entry, "explain", where, code),
        verify=_text_map(entry, "verify", where, code),
        names=_text_map(entry, "names", where, code),
        enabled=enabled,
    )


def _resolve_source(value: Any, sources: Mapping[str, str], where: str, code: str) -> str:
    items = _strings(value, where, f"indicator {code}: 'source'") if value else ()
    if not items:
        raise ConfigError(
            f"{where}: indicator {code} needs a 'source' (a citation or a key of [sources])"
        )
    return " ".join(sources.get(item, item) for item in items)


def _check_regexes(regex: Mapping[str, tuple[str, ...]], where: str, code: str) -> None:
    """Each regex must compile both for Python `re` and for RE2 (what pyarrow runs)."""
    from lightkeeper.ads.indicators.patterns import check_regex

    for items in regex.values():
        for pattern in items:
            problem = check_regex(pattern)
            if problem:
                raise ConfigError(f"{where}: indicator {code}: regex {pattern!r} {problem}")


def _check_unique(indicators: tuple[Indicator, ...], where: str) -> None:
    seen: set[str] = set()
    for ind in indicators:
        if ind.code in seen:
            raise ConfigError(f"{where}: indicator code {ind.code} appears twice")
        seen.add(ind.code)


def overlay_toml(
    *,
    intercepts: Mapping[str, float],
    weights: Mapping[str, tuple[int, float]],
    header: str,
    meta: Mapping[str, str | int | float],
) -> str:
    """A user catalogue file (TOML) that re-weights indicators: `code -> (direction, weight)`.

    `header` becomes comment lines at the top; `meta` goes in a [fitted] table for the record.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += ["", "schema = 1", "", "[model]"]
    lines += [f"{INTERCEPT_KEYS[level]} = {value!r}" for level, value in intercepts.items()]
    lines += ["", "[fitted]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in meta.items()]
    for code, (direction, weight) in weights.items():
        lines += ["", "[[indicator]]", f"code = {_toml_value(code)}"]
        lines += [f"direction = {direction}", f"weight = {weight!r}"]
    return "\n".join(lines) + "\n"


def _toml_value(value: str | int | float) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)
