"""Options of the link stage, loadable from a TOML or JSON file.

A file looks like this (TOML; JSON has the same keys)::

    [hubs]
    allow = ["+15125550123"]                 # never hubs, whatever the data says
    deny = ["+18005550100", "help@site.example", "0f0f0f0f0f0f0f0f"]   # always hubs

    [link]
    image_max_distance = 5
    detect_hubs = true

Identifiers are written as the ads table stores them: phones in E.164, emails lower-case,
handles as ``platform:handle``, image hashes as 16 hex digits. An entry may carry its kind as a
prefix (``phone:+15125550123``, ``email:...``, ``handle:instagram:ana``, ``image:...``).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lightkeeper.errors import ConfigError, InputError

IDENTIFIER_KINDS = ("phone", "email", "handle", "image")
_KIND_PREFIX = re.compile(r"^(phone|email|handle|image):(.+)$", re.IGNORECASE)
_PHONE_SEPARATORS = re.compile(r"[\s().\-/]")


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Options of `link_ads`: which evidence links ads, and how hubs are found.

    `allow` and `deny` hold normalised identifier values (see `normalise_identifier`): an
    allowed identifier is never a hub, a denied one always is. The hub thresholds are floors;
    the detector also derives cut-offs from the corpus' own distribution (see `hubs.py`).
    """

    link_phones: bool = True
    link_emails: bool = True
    link_handles: bool = True
    link_images: bool = True
    link_templates: bool = True
    link_versions: bool = True
    image_max_distance: int = 5
    detect_hubs: bool = True
    allow: frozenset[str] = field(default_factory=frozenset)
    deny: frozenset[str] = field(default_factory=frozenset)
    hub_min_groups: int = 3
    hub_min_ads: int = 3
    hub_min_posterior: float = 0.99

    def __post_init__(self) -> None:
        if not 0 <= self.image_max_distance <= 16:
            raise ConfigError(
                f"image_max_distance must lie in 0..16 bits, got {self.image_max_distance}"
            )
        if self.hub_min_groups < 2 or self.hub_min_ads < 2:
            raise ConfigError("hub_min_groups and hub_min_ads must be at least 2")
        if not 0 < self.hub_min_posterior < 1:
            raise ConfigError(
                f"hub_min_posterior must lie strictly between 0 and 1, got {self.hub_min_posterior}"
            )
        both = self.allow & self.deny
        if both:
            raise ConfigError(f"identifiers both allowed and denied: {sorted(both)[:5]}")


def normalise_identifier(text: str) -> str:
    """The value an allow/deny entry matches: kind prefix dropped, phones without separators.

    Emails, handles and image hashes are compared lower-case; a phone in E.164 keeps its `+`.
    """
    value = text.strip()
    match = _KIND_PREFIX.match(value)
    if match:
        value = match.group(2).strip()
    if value.startswith("+"):
        return _PHONE_SEPARATORS.sub("", value)
    return value.lower()


def identifier_set(values: Iterable[str]) -> frozenset[str]:
    """Normalised identifier values, for `LinkConfig.allow` and `LinkConfig.deny`."""
    return frozenset(normalise_identifier(v) for v in values if v.strip())


def load_link_config(path: Path, *, base: LinkConfig | None = None) -> LinkConfig:
    """Read a TOML (``.toml``) or JSON (``.json``) link configuration file over `base`.

    Raises InputError when the file cannot be read and ConfigError when its content is wrong.
    """
    data = _read_config_file(path)
    try:
        return link_config_from_mapping(data, base=base)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from e


def link_config_from_mapping(
    data: Mapping[str, Any], *, base: LinkConfig | None = None
) -> LinkConfig:
    """A LinkConfig from parsed settings (sections ``hubs`` and ``link``), over `base`."""
    unknown = set(data) - {"hubs", "link"}
    if unknown:
        raise ConfigError(f"unknown sections {sorted(unknown)}; expected 'hubs' and 'link'")
    hubs = _section(data, "hubs")
    link = _section(data, "link")
    changes: dict[str, Any] = {}
    for key in ("allow", "deny"):
        if key in hubs:
            changes[key] = identifier_set(_string_list(hubs[key], f"hubs.{key}"))
    unknown_hub_keys = set(hubs) - {"allow", "deny"}
    if unknown_hub_keys:
        raise ConfigError(f"unknown keys in [hubs]: {sorted(unknown_hub_keys)}")
    changes.update(_link_options(link))
    return replace(base or LinkConfig(), **changes)


def _read_config_file(path: Path) -> Mapping[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the link configuration: {e.strerror or e}") from e
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        if suffix == ".json":
            parsed = json.loads(raw.decode("utf-8"))
            if not isinstance(parsed, dict):
                raise ConfigError(f"{path}: expected a JSON object at the top level")
            return parsed
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid {suffix[1:].upper()}: {e}") from e
    raise ConfigError(f"{path}: unknown configuration format {suffix!r}; use .toml or .json")


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = data.get(name, {})
    if not isinstance(section, Mapping):
        raise ConfigError(f"[{name}] must be a table of settings")
    return section


def _string_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return list(value)


_OPTION_TYPES: dict[str, type] = {
    f.name: (bool if f.type in ("bool", bool) else int if f.type in ("int", int) else float)
    for f in fields(LinkConfig)
    if f.name not in ("allow", "deny")
}


def _link_options(link: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for key, value in link.items():
        expected = _OPTION_TYPES.get(key)
        if expected is None:
            raise ConfigError(f"unknown option link.{key}; known: {sorted(_OPTION_TYPES)}")
        if not _has_type(value, expected):
            raise ConfigError(f"link.{key} must be {expected.__name__}, got {value!r}")
        options[key] = expected(value)
    return options


def _has_type(value: Any, expected: type) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)
