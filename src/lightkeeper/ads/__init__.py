"""The ad-analysis pipeline: ingest -> extract -> indicators -> templates -> link -> networks."""
