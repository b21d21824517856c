"""Identifier extraction: one pure module per kind of identifier, and `extract_ad` for all of them.

Import the extractors from their modules (`lightkeeper.ads.extract.phones` and so on) or call
`lightkeeper.ads.extract.ad.extract_ad` for one record.
"""
