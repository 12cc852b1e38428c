"""Rasa input channels: glue between a transport and the agent; logic lives elsewhere."""
