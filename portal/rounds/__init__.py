"""Inspection rounds: self-assessment reports, evidence, the team's review, closing a round."""
