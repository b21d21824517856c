"""Linking ads into networks: shared identifiers, near-identical images, templates, hubs."""
