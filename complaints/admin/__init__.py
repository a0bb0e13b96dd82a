"""The complaints desk in the admin, by concern: the tickets and their counter pages (`ticket`), the
R-CMP-7 review with its exports and the unmasked-phone log (`review`), and the set-up tables the
supervisors edit: departments, clocks, phrases (`setup`). Importing them registers them."""

from . import review, setup, ticket  # noqa: F401
