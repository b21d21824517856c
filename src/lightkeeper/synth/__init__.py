"""Synthetic ad corpus: realistic, deterministic ads with a truth file, and no real data.

`generate(ads, seed=...)` yields (ad record, truth) pairs; `write_corpus(out, ads=..., seed=...)`
writes `out` (JSONL, gzip when it ends in .gz) and `<name>.truth.jsonl` beside it; the CLI
command is `lightkeeper synth --ads N --seed S --out FILE`. The same seed gives the same bytes.

Ad records follow ad-record-v1: id, posted_at, site, url, location (sometimes absent), title,
body, phone (structured field, sometimes absent, sometimes a placeholder such as
000-000-0000), email (sometimes), images (16-hex perceptual hashes), language ("en"/"es").

Truth records, one per distinct (id, version), in ad-file order:

- `id`, `version`: 1, or 2, 3... for edited re-posts (same id, new content). Exact repeats
  of a line are in the ad file only.
- `operator`: network label shared by every ad of one advertiser (an independent is its
  own operator, so is every job advertiser); `kind`: "escort", "massage" or "job".
- `template`: label of the base text the ad was written from ("<operator>.t1"...).
- `phones`: E.164 of every real number in the title, body or phone field, site-wide and
  agency lines included; decoys (prices, ids, dates, placeholders) never are.
- `hub_phones`: the site-wide or shared agency numbers among `phones`.
- `emails` (lower case), `handles` ("platform:handle"; WhatsApp as "whatsapp:+E164").
- `image_hashes`: the hashes as written in the ad; `hub_images`: stock photos among them,
  shared by unrelated advertisers.
- `persona`, `city`, `country` (ISO alpha-2), `risky` (operator planted as
  trafficking-like; for job advertisers, a deceptive recruiter), `deceptive` (job ads only,
  else null), `obfuscation`: how the operator's number is written in the text ("plain",
  "separators", "spelled_en", "spelled_es", "mixed", "lookalike", "keycap", "fullwidth"),
  null when the text has no operator number (it may still be in the phone field).
"""

from lightkeeper.synth.corpus import CorpusInfo, generate, write_corpus

__all__ = ["CorpusInfo", "generate", "write_corpus"]
