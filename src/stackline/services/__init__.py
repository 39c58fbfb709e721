"""Use cases shared by the CLI and the web app; the only layer that opens transactions."""
