"""Errors raised by Lightkeeper.

Hierarchy::

    LightkeeperError            anything Lightkeeper reports to a user
    ├── InputError              an input file is missing, unreadable or of an unknown format
    ├── OutputError             an output location cannot be written
    ├── ConfigError             a setting or option is invalid
    └── EstimationError         a statistical estimate cannot be made (e.g. no MLE exists)

The CLI turns a LightkeeperError into one clear message and a non-zero exit, never a traceback.
"""


class LightkeeperError(Exception):
    """Base class of every error Lightkeeper reports to a user."""


class InputError(LightkeeperError):
    """An input is missing, unreadable or malformed as a whole."""


class OutputError(LightkeeperError):
    """An output location cannot be created or written."""


class ConfigError(LightkeeperError):
    """An option or configuration value is invalid."""


class EstimationError(LightkeeperError):
    """A statistical estimate cannot be made from the data given."""
