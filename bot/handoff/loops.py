"""The handoff's own loops (domain.yml forms that are not diagnostic forms)."""
SUMMARY_LOOP = "handoff_summary_form"
WAIT_LOOP = "handoff_wait_form"
HANDOFF_LOOPS = (SUMMARY_LOOP, WAIT_LOOP)
