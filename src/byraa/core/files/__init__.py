"""Reading and writing files safely: hardened XML parsing, spreadsheets created 0600."""
