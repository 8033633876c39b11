"""check: every problem a build would meet, without building."""
