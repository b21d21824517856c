"""Evidence-graded indicators of trafficking and the explainable risk built on them.

Public API (the pipeline's stage)::

    load_catalogue(path=None) -> Catalogue         default catalogue, user file merged over it
    score_ads(ads, *, catalogue) -> pa.Table       indicators, risk_score, risk_reasons per ad
    score_networks(ads, networks, *, catalogue)    risk_score, risk_reasons, network_indicators

The catalogue is data (lightkeeper/data/indicators/catalogue.toml); see docs/indicators.md.
"""

from lightkeeper.ads.indicators.catalogue import Catalogue, Indicator, load_catalogue
from lightkeeper.ads.indicators.match import match_ads, match_text
from lightkeeper.ads.indicators.risk import (
    AD_SCORES_SCHEMA,
    NETWORK_SCORES_SCHEMA,
    REASON_TYPE,
    score_ads,
    score_networks,
)

__all__ = [
    "AD_SCORES_SCHEMA",
    "NETWORK_SCORES_SCHEMA",
    "REASON_TYPE",
    "Catalogue",
    "Indicator",
    "load_catalogue",
    "match_ads",
    "match_text",
    "score_ads",
    "score_networks",
]
