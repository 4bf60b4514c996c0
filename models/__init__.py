"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""
from sqlmodel import SQLModel

from models.core import (  # noqa: F401
    Bureau, ConversationState, InboxEvent, OutboxMessage, User, UserRole, utcnow,
)
from models.db import make_engine, session_scope  # noqa: F401
from models.enums import (  # noqa: F401
    CampaignAnswer, CampaignStatus, InboxStatus, OutboxStatus, ReportStatus, Role, RoundState, UserStatus,
)

# Flow tables register themselves by being imported here (one line per module).
import models.deeds  # noqa: F401,E402
import models.rounds  # noqa: F401,E402
import models.worker  # noqa: F401,E402
import models.campaigns  # noqa: F401,E402
import models.onboarding  # noqa: F401,E402
import models.console  # noqa: F401,E402
import models.activities  # noqa: F401,E402
import models.recognition  # noqa: F401,E402

metadata = SQLModel.metadata
