"""The leader's dashboard: a round's progress, ratings, findings and remedies at a glance."""
