"""The model registry: which models the console trained, from which data, with which
figures, and which one is active (the one the Rasa workers pull, `bot.console.model_server`).

One training at a time (`start` refuses a second); a training the console did not
see finish (it was stopped) is marked failed when the console starts again. Activating
a model retires the active one and writes an activation row (who, when, the written
reason when the gate had failed): the audit, and the way back (`previous`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.storage.models import ModelActivation, ModelRecord
from bot.storage.unit_of_work import Store, StoreUnavailable, transaction

PROJECT_MODEL_AUTHOR = "project"  # the model trained from the repository (models/), not in the console
MAX_REASON = 500


class RegistryUnavailable(StoreUnavailable):
    """The database could not be reached."""


class RegistryRefused(ValueError):
    """The change is not possible; ``problem`` is a fixed code the console words."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class ModelEntry:
    id: int
    file_name: str
    trained_by: str
    started_at: datetime
    finished_at: Optional[datetime]
    data_version: str
    approved_examples: int
    figures: Dict[str, Any]
    status: str
    gate_passed: Optional[bool]
    override_reason: Optional[str]
    error: Optional[str]

    @property
    def from_project(self) -> bool:
        return self.trained_by == PROJECT_MODEL_AUTHOR

    @classmethod
    def of(cls, row: ModelRecord) -> "ModelEntry":
        return cls(row.id, row.file_name or "", row.trained_by, row.started_at, row.finished_at,
                   row.data_version or "", row.approved_examples or 0, dict(row.figures or {}), row.status,
                   None if row.gate_passed is None else bool(row.gate_passed), row.override_reason, row.error)


@dataclass(frozen=True)
class Activation:
    model_id: int
    activated_by: str
    activated_at: datetime
    override_reason: Optional[str]


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ModelRegistry(Store):
    unavailable = RegistryUnavailable

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _now) -> None:
        super().__init__(engine)
        self._clock = clock

    @transaction
    def start(self, session: Session, trained_by: str, data_version: str, approved_examples: int) -> ModelEntry:
        """A training begins; `RegistryRefused("busy")` while another one runs."""
        if session.execute(select(ModelRecord.id).where(ModelRecord.status == "training")).first():
            raise RegistryRefused("busy")
        row = ModelRecord(trained_by=trained_by, started_at=self._clock(), data_version=data_version,
                          approved_examples=approved_examples, figures={}, status="training")
        session.add(row)
        session.commit()
        return ModelEntry.of(row)

    def finish(self, model_id: int, file_name: str, figures: Dict[str, Any], gate_passed: bool) -> ModelEntry:
        return self._finish(model_id, status="ready", file_name=file_name, figures=figures,
                            gate_passed=int(gate_passed))

    def fail(self, model_id: int, error: str) -> ModelEntry:
        return self._finish(model_id, status="failed", error=error[:2000])

    @transaction
    def _finish(self, session: Session, model_id: int, **values: Any) -> ModelEntry:
        row = self._row(session, model_id)
        for key, value in {**values, "finished_at": self._clock()}.items():
            setattr(row, key, value)
        session.commit()
        return ModelEntry.of(row)

    @transaction
    def fail_unfinished(self, session: Session, error: str) -> int:
        """Trainings left running by a console that stopped: failed (their process is gone)."""
        count = session.execute(update(ModelRecord).where(ModelRecord.status == "training").values(
            status="failed", error=error, finished_at=self._clock())).rowcount
        session.commit()
        return int(count or 0)

    @transaction
    def register_project_model(self, session: Session, file_name: str) -> ModelEntry:
        """The project's model (models/) as an entry, once, so that it can be activated again."""
        row = session.execute(select(ModelRecord).where(
            ModelRecord.trained_by == PROJECT_MODEL_AUTHOR, ModelRecord.file_name == file_name)).scalar()
        if row is None:
            now = self._clock()
            row = ModelRecord(file_name=file_name, trained_by=PROJECT_MODEL_AUTHOR, started_at=now,
                              finished_at=now, figures={}, status="ready")
            session.add(row)
            session.commit()
        return ModelEntry.of(row)

    @transaction
    def activate(self, session: Session, model_id: int, by: str,
                 override_reason: Optional[str] = None) -> ModelEntry:
        """``model_id`` serves from now on; the active one is retired. A model whose gate
        failed needs ``override_reason`` (`RegistryRefused("gate_failed")`)."""
        reason = (override_reason or "").strip()[:MAX_REASON] or None
        row = self._row(session, model_id)
        if row.status not in ("ready", "retired", "active") or not row.file_name:
            raise RegistryRefused("not_ready")
        if row.gate_passed == 0 and reason is None and row.status == "ready":
            raise RegistryRefused("gate_failed")
        session.execute(update(ModelRecord).where(ModelRecord.status == "active", ModelRecord.id != model_id)
                        .values(status="retired"))
        row.status = "active"
        if reason is not None:
            row.override_reason = reason
        session.add(ModelActivation(model_id=model_id, activated_by=by, activated_at=self._clock(),
                                    override_reason=reason))
        session.commit()
        return ModelEntry.of(row)

    @transaction
    def active(self, session: Session) -> Optional[ModelEntry]:
        row = session.execute(select(ModelRecord).where(ModelRecord.status == "active")).scalar()
        return ModelEntry.of(row) if row is not None else None

    @transaction
    def previous(self, session: Session) -> Optional[ModelEntry]:
        """The model that was active before the active one (rollback's target)."""
        ids = session.execute(select(ModelActivation.model_id)
                              .order_by(ModelActivation.activated_at.desc(), ModelActivation.id.desc())
                              .limit(50)).scalars().all()
        current = ids[0] if ids else None
        earlier = next((i for i in ids if i != current), None)
        return ModelEntry.of(self._row(session, earlier)) if earlier is not None else None

    @transaction
    def get(self, session: Session, model_id: int) -> ModelEntry:
        return ModelEntry.of(self._row(session, model_id))

    @transaction
    def recent(self, session: Session, limit: int = 20) -> List[ModelEntry]:
        rows = session.execute(select(ModelRecord).order_by(ModelRecord.id.desc()).limit(limit)).scalars()
        return [ModelEntry.of(row) for row in rows]

    @transaction
    def activations(self, session: Session, limit: int = 20) -> List[Activation]:
        rows = session.execute(select(ModelActivation).order_by(ModelActivation.id.desc()).limit(limit)).scalars()
        return [Activation(r.model_id, r.activated_by, r.activated_at, r.override_reason) for r in rows]

    @staticmethod
    def _row(session: Session, model_id: int) -> ModelRecord:
        row = session.get(ModelRecord, model_id)
        if row is None:
            raise RegistryRefused("unknown_model")
        return row
