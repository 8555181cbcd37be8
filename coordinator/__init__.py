"""Study Coordinator's domain: studies, participants, audit. Pure Python, no Qt."""
