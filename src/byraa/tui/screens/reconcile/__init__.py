"""The reconciliation screens: the clients' month, a run, a check, its dialogs, the bulk job."""
