"""domain.yml's forms that are not diagnostic forms: the handoff's own two loops.

Here, in the lower layer, because both sides name them: the diagnostics' generated
rules leave them out (`bot.diagnostics.form_rules`), and the handoff runs them
(actions/handoff_wait.py). The handoff imports from the diagnostics, never the
other way round.
"""
SUMMARY_LOOP = "handoff_summary_form"
WAIT_LOOP = "handoff_wait_form"
HANDOFF_LOOPS = (SUMMARY_LOOP, WAIT_LOOP)
