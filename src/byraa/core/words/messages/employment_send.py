"""Sending an employee's employments to a-ordningen from the employee card."""

from byraa.core.words.i18n import N_

MESSAGES = {
    "employment_send.no_employee": N_("client {org} has no employee {employee} (give the employee number or the "
                                      "masked national id)"),
    "employment_send.employee_ambiguous": N_("{employee} names {count} employees; give the employee number"),
    "employment_send.no_employment": N_("{name} has no employment in force in {period}"),
    "employment_send.unknown_leave": N_("leave {leave} is not an ended leave of {name} before {period} "
                                        "(only older ended leaves can be added)"),
}
