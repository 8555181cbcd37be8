"""Eligibility: source values, criteria evaluated from them, and the investigator's confirmation."""
