"""Reconciliation: runs and their checks, the A07, corrections to a-ordningen, bulk reconcile jobs."""
