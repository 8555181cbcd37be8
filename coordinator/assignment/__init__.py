"""Arm assignment: by value, by sealed randomization list, and risk groups computed from values."""
