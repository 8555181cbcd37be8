"""Printed documents (PDF, ReportLab): text extractable, fonts embedded."""
