"""Weekly staff rosters for a front office with staggered breaks, solved with OR-Tools CP-SAT."""

__version__ = "0.1.0"
