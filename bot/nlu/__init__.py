"""Custom Rasa NLU components and the pure helpers they use."""
