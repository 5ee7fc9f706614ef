"""Kaohe (考核): assessment of units, leadership teams and leading cadres."""

__version__ = "0.1.0"
