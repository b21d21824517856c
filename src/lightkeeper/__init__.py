"""Lightkeeper: an open-source counter-trafficking platform."""

__version__ = "0.1.0"
