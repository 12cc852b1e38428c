"""Load spaCy for the redactor without dragging TensorFlow in.

spaCy's array library (thinc) imports TensorFlow whenever it is installed,
which it is beside Rasa: 5 s and several hundred MB in every process that
masks text (the action server, the log filter of ``python -m bot run``), for a
blank Chinese pipeline that never uses it. While spaCy is first imported,
``import tensorflow`` is made to fail, as on an image without it; a process
that already loaded TensorFlow (the Rasa server) is left alone.
"""
from __future__ import annotations

import sys
from types import ModuleType


def import_spacy() -> ModuleType:
    if "spacy" in sys.modules or "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import spacy
        import spacy.lang.zh  # noqa: F401
        import spacy.matcher  # noqa: F401  (thinc's first import happens here)
    finally:
        del sys.modules["tensorflow"]
    return spacy
