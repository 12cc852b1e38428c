"""Teaching the bot from staff corrections: the domain's intents (``intents``), the
examples the NLU already knows (``examples``), the corrections as NLU training data
(``nlu_export``) and as FAQ drafts (``faq_drafts``), all pure; ``exporter`` reads the
project's files and the corrections store and calls them (CLI and console)."""
