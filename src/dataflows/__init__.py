"""dataflows: a cited map of how personal data moves between surveillance systems and public bodies."""

__version__ = "0.1.0"
