"""Report text in Japanese and English: the same keys, format fields filled from the runs."""

from . import en, ja

TEXT = {"en": en.TEXT, "ja": ja.TEXT}
