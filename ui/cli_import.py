"""``mingde import``: question banks from Excel, GIFT or Aiken (attached to ``ui.cli.cli``)."""
