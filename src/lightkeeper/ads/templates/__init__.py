"""Templates: near-duplicate ads grouped into templates, with each template's text and slots.

`cluster_templates(ads)` is the stage; the modules are its steps, each usable alone:
`shingles` (text to sentences, masked words and shingles), `boilerplate` (sentences learned as
boilerplate), `minhash` (signatures), `lsh` (candidate pairs), `align` (template text with slots).
"""

from lightkeeper.ads.templates.boilerplate import Boilerplate, BoilerplateOptions, learn_boilerplate
from lightkeeper.ads.templates.cluster import (
    TEMPLATES_SCHEMA,
    TemplateOptions,
    TemplateResult,
    cluster_templates,
)

__all__ = [
    "TEMPLATES_SCHEMA",
    "Boilerplate",
    "BoilerplateOptions",
    "TemplateOptions",
    "TemplateResult",
    "cluster_templates",
    "learn_boilerplate",
]
