"""The agency: its setup, who is running byraa, staff, access to clients, the audit trail."""
