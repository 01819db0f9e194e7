"""Settings, file locations and one process's working context."""
