"""Custom Rasa NLU components and the pure helpers they use.

Rasa imports this package when it loads our model, so this is where the Rasa
speed-ups in `bot.rasa_speedups` are installed for `rasa run` / `rasa shell`.
"""
from bot import rasa_speedups

rasa_speedups.install()
