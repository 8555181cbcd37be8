"""The participant register: pseudonymous codes, identity kept apart, status lifecycle."""
