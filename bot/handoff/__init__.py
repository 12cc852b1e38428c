"""The handoff to a person: priority rules and the service-hours SLA clock."""
