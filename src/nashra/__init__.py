"""nashra: bilingual Arabic/English news microsites with actor and country pages."""

__version__ = "0.1.0"
