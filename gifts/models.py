"""Models of gifts/: none yet; they land with the gifts issue."""
