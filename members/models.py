"""Models of members/: none yet; they land with the members issue."""
