"""Models of returns/: none yet; they land with the returns issue."""
