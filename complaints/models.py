"""Models of complaints/: none yet; they land with the complaints issue."""
