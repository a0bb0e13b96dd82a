"""Models of invoices/: none yet; they land with the invoices issue."""
