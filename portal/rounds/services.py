"""The rules of a round, one module per concept; this module gathers them under one name so
callers keep writing `from portal.rounds import services as S`. Functions change and flush; the
request commits once.

- rules: who may do what, RuleError
- lifecycle: state machine, creating, opening, closing, what blocks closing
- authoring: the author's text, evidence files and documents
- decisions: "Không gửi báo cáo", late submissions, bulk decisions, what blocks closing
- reviews: ratings, clarifications, findings, evaluations
- progress: page queries, phases, progress and figures
- scoring: points per area and overall
- reminders: deadline reminders and home-page items
- responsibility: who answers for a report (reassigning, hand-over of open work)
"""
from .authoring import *  # noqa: F401,F403
from .decisions import *  # noqa: F401,F403
from .lifecycle import *  # noqa: F401,F403
from .progress import *  # noqa: F401,F403
from .reminders import *  # noqa: F401,F403
from .responsibility import *  # noqa: F401,F403
from .reviews import *  # noqa: F401,F403
from .rules import *  # noqa: F401,F403
from .rules import _decimal  # noqa: F401
from .scoring import *  # noqa: F401,F403
from .versions import diff as diff_versions, history as version_history  # noqa: F401
