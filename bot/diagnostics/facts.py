"""A conversation's details for staff, one field per fact.

The forms fill a slot from an entity the customer gave earlier (the slot's
`entity` in data/support/diagnostics.yml: bank_name -> payee, time_expression ->
incident_time, phone_number -> account_phone, error_code -> error_message), so
the entity and the slot are one fact. Listing both showed it twice on a ticket
(银行 and 收款方, 提到的时间 and 发生时间, 手机号 and 绑定手机号).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from bot.diagnostics.spec import DiagnosticsSpec


def one_field_per_fact(entities: Mapping[str, Any], answers: Mapping[str, Any],
                       spec: DiagnosticsSpec) -> Dict[str, Any]:
    """``entities`` (name -> value) the customer gave, then the forms' ``answers``
    (slot -> value). An entity that fills a slot with an answer is left out: the
    answer is that fact. An entity no answer holds keeps its own name (a phone
    mentioned outside an account form is not known to be the account's)."""
    slots_of: Dict[str, List[str]] = {}
    for name, slot in spec.slots.items():
        if slot.entity:
            slots_of.setdefault(slot.entity, []).append(name)
    details = {entity: value for entity, value in entities.items()
               if all(answers.get(slot) is None for slot in slots_of.get(entity, ()))}
    details.update({name: value for name, value in answers.items() if value is not None})
    return details
