"""The user guide's journeys (portal.guide.journeys) still hold on the current pages: every step
shows what the guide says. The same journeys make the guide's pictures (`flask guide screenshots`)."""
import pytest

from portal.demo import DEMO_PASSWORD
from portal.guide.journeys import JOURNEYS, demo_context
from portal.guide.screenshots import login, walk


@pytest.mark.parametrize("journey", JOURNEYS, ids=[j.role for j in JOURNEYS])
def test_guide_journey(app, live_server, page, journey):
    ctx = demo_context()
    login(page, live_server, journey.username, DEMO_PASSWORD)
    shots = []
    assert walk(page, live_server, journey, ctx, lambda step, png: shots.append(len(png))) == [s.shot for s in journey.steps]
    assert all(size > 10_000 for size in shots)  # a real page, not a blank one
