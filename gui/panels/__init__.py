"""The side panels that edit the document: the selection's properties and the platform."""

from .platform import PlatformPanel
from .properties import PropertyPanel, parse_number

__all__ = ["PlatformPanel", "PropertyPanel", "parse_number"]
