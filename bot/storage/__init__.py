"""The project's own database: engine, models, stores and migrations.

`python -m bot db-upgrade` is the only thing that migrates it; servers check
that the schema is at head when they start (`bot.storage.migrate`).
"""
