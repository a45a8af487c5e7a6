# The met party (leader, members, after the meeting) the penalty tests use.
from penalties.tests.conftest import met_party  # noqa: F401
