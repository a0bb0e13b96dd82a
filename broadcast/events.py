"""Writers for the broadcast audit rows (ScriptEvent, UrgentInsertEvent), called inside the service's
transaction."""

from .choices import InsertEventType, ScriptEventType
from .models import Script, ScriptEvent, UrgentInsert, UrgentInsertEvent


def script_event(*, script: Script, type: ScriptEventType, user, **parameters) -> ScriptEvent:
    return ScriptEvent.objects.create(script=script, type=type, user=user,
                                      parameters={"status": script.status, **parameters})


def insert_event(*, insert: UrgentInsert, type: InsertEventType, user, **parameters) -> UrgentInsertEvent:
    return UrgentInsertEvent.objects.create(insert=insert, type=type, user=user,
                                            parameters={"status": insert.status, **parameters})
