"""Clients and what is shown across them: the register, groups, dashboard, deadlines, reports, feedback, archive."""
