"""Electronic signatures (21 CFR 11.50, 11.70, 11.200): a record's content signed with a meaning, the password
asked again, and a hash of the content kept so that any later change shows the signature as no longer valid."""
