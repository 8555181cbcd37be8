"""The command line: a second face on the same services. It never imports Qt."""
