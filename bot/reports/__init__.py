"""Reports for support leads: how much the bot resolves on its own, how fast staff
answer, what customers think, and where the bot needs teaching.

``history`` (conversations and tickets as the report counts them), ``figures``
(every number, pure), ``table`` (the numbers as rows: CSV and page), ``charts`` and
``dashboard`` (SVG), ``period`` (days in the service hours' zone); ``sources`` is
the one module that reads the databases."""
