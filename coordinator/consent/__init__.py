"""Informed consent and assent: signer rules as data, signatures as records, status computed."""
