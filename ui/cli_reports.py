"""``mingde report assessment`` and ``mingde report items`` (attached to ``ui.cli.report``)."""
