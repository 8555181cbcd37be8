"""Case report forms: what a study's forms ask (from the study file), filled from the database for a participant."""
