"""The Qt face of Study Coordinator. Calls coordinator/ services; never writes SQL."""
