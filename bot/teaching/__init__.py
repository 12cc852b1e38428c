"""Teaching the bot from staff corrections: the domain's intents, the examples the
NLU already knows, and the export of corrections as training data and FAQ drafts.
Pure: callers read the database and write the files."""
