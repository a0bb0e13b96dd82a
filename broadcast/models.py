"""Models of broadcast/: none yet; they land with the broadcast issue."""
