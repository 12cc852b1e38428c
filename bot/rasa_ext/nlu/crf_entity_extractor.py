"""Rasa's CRFEntityExtractor, fitted once per training set and stored fitted.

Rasa's extractor refits its CRFs from scratch at every training and, worse, at
every load: the model keeps only the CRF's training data (``crf_dataset.json``)
and ``load`` fits again (9.3 of 10.5 s of loading a model on a quiet machine;
every Rasa worker paid it at each activation, the candidate's evaluation once per
model). Here:

- the fitted CRFs go into the model as CRFsuite's own files, and ``load`` opens
  them (no refit; the tagger is the very file the fit wrote, so predictions are
  the same);
- a training first looks in a store (``store_path``, one folder per fingerprint:
  the CRF's training sequences and tags, the configuration, the tag order and
  the library versions): the same data gives the same CRF, so it is fitted once;
- examples whose intent-level metadata says ``entities_reviewed: false`` are left
  out of the CRF's data. The console's candidates add the examples staff approved
  with that mark (bot/teaching/candidate.py): nobody annotated their entities, so
  an amount or a time in them would teach the CRF that amounts are no entities.
  The intent classifier learns from them as before.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import rasa.nlu.utils.bilou_utils as bilou_utils
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.nlu.constants import METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import BILOU_FLAG, FEATURIZERS

logger = logging.getLogger(__name__)

ORDER_FILE = "crf_order.json"
REVIEWED_KEY = "entities_reviewed"


def entities_reviewed(message: Message) -> bool:
    """False only for examples marked ``entities_reviewed: false`` (intent-level metadata)."""
    metadata = message.get(METADATA) or {}
    intent_metadata = metadata.get(METADATA_INTENT) if isinstance(metadata, dict) else None
    return not (isinstance(intent_metadata, dict) and intent_metadata.get(REVIEWED_KEY) is False)


def fingerprint(dataset: Sequence[Sequence[CRFToken]], config: Dict[Text, Any], crf_order: Sequence[str]) -> str:
    """What a CRF fit depends on: its sequences and tags, the configuration, the tag order, the libraries."""
    import pycrfsuite
    import sklearn_crfsuite

    digest = hashlib.sha256()
    settings = {"config": config, "order": list(crf_order),
                "versions": [getattr(pycrfsuite, "__version__", "?"), getattr(sklearn_crfsuite, "__version__", "?")]}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"))
    for sentence in dataset:
        digest.update(json.dumps([token.to_dict() for token in sentence], sort_keys=True,
                                 ensure_ascii=False, default=str).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _tagger_from_bytes(data: bytes) -> Any:
    """A CRF that owns a temporary copy of a CRFsuite model file (removed with the object)."""
    import sklearn_crfsuite

    crf = sklearn_crfsuite.CRF()
    crf.modelfile.ensure_name()
    Path(crf.modelfile.name).write_bytes(data)
    return crf


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


class CRFStore:
    """Fitted CRFs by fingerprint: ``<folder>/<fingerprint>/<tag>.crfsuite``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str, crf_order: Sequence[str]) -> Optional["OrderedDict[str, Any]"]:
        paths = [self.folder / key / f"{tag}.crfsuite" for tag in crf_order]
        if not all(path.is_file() for path in paths):
            return None
        return OrderedDict((tag, _tagger_from_bytes(path.read_bytes())) for tag, path in zip(crf_order, paths))

    def put(self, key: str, taggers: "OrderedDict[str, Any]") -> None:
        for tag, tagger in taggers.items():
            _write_atomically(self.folder / key / f"{tag}.crfsuite", Path(tagger.modelfile.name).read_bytes())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """CRFEntityExtractor whose fitted CRFs are kept: in the model (no refit at load) and in a store."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**CRFEntityExtractor.get_default_config(), "store_path": "var/crf_store"}

    def train(self, training_data: TrainingData) -> Resource:
        if not training_data.entity_examples:
            logger.debug("No training examples with entities: the CRF is not trained.")
            return self._resource
        self.check_correct_entity_annotations(training_data)
        if self.component_config[BILOU_FLAG]:
            bilou_utils.apply_bilou_schema(training_data)
        self._update_crf_order(training_data)
        examples = [m for m in self.filter_trainable_entities(training_data.nlu_examples)
                    if entities_reviewed(m)
                    and m.features_present(attribute=TEXT, featurizers=self.component_config.get(FEATURIZERS))]
        dataset = [self._convert_to_crf_tokens(example) for example in examples]
        self.entity_taggers = self._fitted(dataset)
        self._persist_taggers()
        return self._resource

    def _fitted(self, dataset: List[List[CRFToken]]) -> "OrderedDict[str, Any]":
        settings = {k: v for k, v in self.component_config.items() if k != "store_path"}
        key = fingerprint(dataset, settings, self.crf_order)
        store = CRFStore(Path(self.component_config["store_path"])) if self.component_config["store_path"] else None
        found = store.get(key, self.crf_order) if store is not None else None
        if found is not None:
            logger.info("CRF %s reused from %s", key[:12], store.folder if store else "")
            return found
        taggers = self.train_model(dataset, self.component_config, self.crf_order)
        if store is not None:
            try:
                store.put(key, taggers)
            except OSError as error:  # a read-only store only costs the next training a fit
                logger.warning("CRF store %s not written: %s", store.folder, error)
        return taggers

    def _persist_taggers(self) -> None:
        assert self.entity_taggers is not None
        with self._model_storage.write_to(self._resource) as directory:
            (directory / ORDER_FILE).write_text(json.dumps(self.crf_order), encoding="utf-8")
            for tag, tagger in self.entity_taggers.items():
                (directory / f"{tag}.crfsuite").write_bytes(Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "StoredCRFEntityExtractor":
        try:
            with model_storage.read_from(resource) as directory:
                crf_order = json.loads((directory / ORDER_FILE).read_text(encoding="utf-8"))
                taggers = OrderedDict((tag, _tagger_from_bytes((directory / f"{tag}.crfsuite").read_bytes()))
                                      for tag in crf_order)
        except (ValueError, FileNotFoundError):
            logger.debug("%s: no fitted CRF in %s (trained without entities)", cls.__name__, resource.name)
            return cls(config, model_storage, resource)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        return extractor
