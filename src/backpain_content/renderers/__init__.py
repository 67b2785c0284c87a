"""One module per output format, each with the same shape of entry point."""
