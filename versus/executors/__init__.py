"""Running jobs: in this process or in watched worker processes, under time limits."""
