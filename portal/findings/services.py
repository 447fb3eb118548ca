"""Rules of findings and remedies, one module per concept; this module gathers them under one name
so callers keep writing `from portal.findings import services as S`. Functions change and flush;
the caller (a view, another area's service) commits once. Validation problems raise FindingError
carrying {field: Vietnamese message}.

- rules: who may do what, FindingError, the shared field checks
- recording: recording and editing a finding
- remedies: the remedy workflow (assigning, progress reports, confirmation, escalation, re-inspection)
- closure: when a finding is closed, its outcome, the figure
- queries: lists (visible, overdue, awaiting confirmation) and export rows
"""
from .closure import *  # noqa: F401,F403
from .queries import *  # noqa: F401,F403
from .recording import *  # noqa: F401,F403
from .remedies import *  # noqa: F401,F403
from .rules import *  # noqa: F401,F403
