"""The command line: options -> settings -> one core call per command."""
