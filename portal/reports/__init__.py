"""The round's summary report, the unit minutes, the year-end evaluation sheet (PDF), the leader's
sign-off and the Excel exports."""
