"""Payroll posting control: a run's posting journal in, the control list, freeze, post once.

The cycle the clerk follows: import the payroll system's journal (``journal``), read the
control list (``control``), correct in the payroll system and import again until the
list is clean, freeze the run, post it once into a voucher the client's ledger imports
(``posting``), and clear what went to the error account.
"""
