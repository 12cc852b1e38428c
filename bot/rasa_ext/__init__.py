"""Code that runs inside the Rasa server only: NLU components, the tracker store,
input channels, and faster equivalents of Rasa internals (`patches`).

Nothing outside this package imports it (the action server, the staff console
and the pure libraries never load Rasa). Importing it has no side effects: the
patches are installed by `bot.rasa_ext.launcher`, the Rasa server's entry point.
"""
