"""check: every problem a build would meet, without building, and how fresh the facts are."""
