"""Linking ads into networks: shared identifiers, near-identical images, templates, hubs.

`link_ads(ads, template_ids, config=LinkConfig())` returns a `LinkResult` (one network id per
ad row, the evidence edges, the hub identifiers kept from linking).
"""

from lightkeeper.ads.link.config import LinkConfig, link_config_from_mapping, load_link_config
from lightkeeper.ads.link.hubs import Hub
from lightkeeper.ads.link.link import LinkResult, link_ads

__all__ = [
    "Hub",
    "LinkConfig",
    "LinkResult",
    "link_ads",
    "link_config_from_mapping",
    "load_link_config",
]
