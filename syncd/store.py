"""The store: Peewee models, opening the database, and migrations.

SQLite (WAL, foreign keys on) is the embedded default and needs no set-up; a
``database_url`` (playhouse.db_url) moves it to PostgreSQL. Models are bound to one
``DatabaseProxy`` so tests and the CLI can open any database.

Invariants kept here and in ``syncd.ingest``:

* every derived row points at its source (message or event) with ON DELETE CASCADE,
  so deleting a source deletes what was derived from it;
* a message is one row per Message-ID (``Message``) with one ``Location`` per place it
  is stored (a Maildir file, an IMAP uid); the message goes when its last copy goes;
* the schema has a version from the first release, and ``migrate`` only ever moves
  it forward.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import peewee as pw
from playhouse.db_url import connect

log = logging.getLogger(__name__)

db = pw.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL: a crash loses at most the last commits, never consistency
    "busy_timeout": 10000,
    "cache_size": -32000,  # 32 MB
}


class UTCDateTimeField(pw.Field):
    """Aware datetimes stored as ISO-8601 text in UTC, so they sort and compare as text
    and round-trip identically on SQLite and PostgreSQL."""

    field_type = "TEXT"

    def db_value(self, value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    def python_value(self, value: str | None) -> dt.datetime | None:
        if value is None:
            return None
        return dt.datetime.fromisoformat(value)


def instant(value: str | dt.datetime) -> dt.datetime:
    """A stored time (the store's UTC text, or a datetime from a driver that parses it)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()


class Account(BaseModel):
    name = pw.TextField(unique=True)
    kind = pw.TextField()
    created = UTCDateTimeField()
    last_sync = UTCDateTimeField(null=True)
    last_error = pw.TextField(default="")


class SyncState(BaseModel):
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    stream = pw.TextField()  # "mail" or "calendar"
    cursor = pw.TextField(null=True)
    generation = pw.IntegerField(default=0)  # bumped by every full resync
    updated = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("account", "stream"), True),)


class Person(BaseModel):
    name = pw.TextField(default="")
    primary_email = pw.TextField(index=True)
    is_self = pw.BooleanField(default=False)
    automated = pw.BooleanField(default=False)
    muted = pw.BooleanField(default=False)
    created = UTCDateTimeField()


class Address(BaseModel):
    email = pw.TextField(unique=True)
    name = pw.TextField(default="")
    person = pw.ForeignKeyField(Person, backref="addresses", on_delete="CASCADE")
    automated = pw.BooleanField(default=False)  # the address itself looks like a robot
    sent_automated = pw.IntegerField(default=0)  # messages from it with list/bulk signals
    sent_human = pw.IntegerField(default=0)
    # Schema version 3: the date of the latest bounce for this address, unless mail
    # from it came later (syncd.bounces keeps it; null: deliverable as far as we know).
    bounced_at = UTCDateTimeField(null=True)


class Message(BaseModel):
    message_id = pw.TextField(unique=True)
    subject = pw.TextField(default="")
    date = UTCDateTimeField(null=True, index=True)
    sender = pw.ForeignKeyField(Address, null=True, on_delete="SET NULL")
    outgoing = pw.BooleanField(default=False)
    automated = pw.BooleanField(default=False)
    thread = pw.TextField(default="", index=True)  # root Message-ID of the conversation
    in_reply_to = pw.TextField(default="")
    references = pw.TextField(default="")  # space-separated Message-IDs
    body = pw.TextField(default="")
    attachments = pw.TextField(default="")  # JSON list of [name, type, size]
    size = pw.IntegerField(default=0)
    # Filled in by the listening step (syncd.listen), schema version 2:
    words = pw.IntegerField(default=0)  # in the new text only
    questions = pw.IntegerField(default=0)
    inferred = pw.BooleanField(default=False, index=True)
    # Schema version 4: what closing loops reads of it (syncd.digest.dump_gist; "": not known),
    # and whether closing loops has read it (syncd.listen.settle).
    gist = pw.TextField(default="")
    settled = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("settled", "date"), False),)


class Location(BaseModel):
    """One stored copy of a message in one account (a file, an IMAP uid, a Gmail id)."""

    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    provider_id = pw.TextField()
    message = pw.ForeignKeyField(Message, backref="locations", on_delete="CASCADE")
    folder = pw.TextField(default="")
    etag = pw.TextField(default="")  # flags, sorted
    generation = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("account", "provider_id"), True),)


class MessageAddress(BaseModel):
    message = pw.ForeignKeyField(Message, on_delete="CASCADE")
    address = pw.ForeignKeyField(Address, on_delete="CASCADE")
    role = pw.TextField()  # from, to, cc, bcc

    class Meta:
        indexes = ((("message", "address", "role"), True),)


class Event(BaseModel):
    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    provider_id = pw.TextField()
    uid = pw.TextField(index=True)
    summary = pw.TextField(default="")
    description = pw.TextField(default="")
    location = pw.TextField(default="")
    url = pw.TextField(default="")
    start = UTCDateTimeField(null=True, index=True)
    end = UTCDateTimeField(null=True)
    all_day = pw.BooleanField(default=False)
    status = pw.TextField(default="CONFIRMED")
    calendar = pw.TextField(default="")
    recurring = pw.BooleanField(default=False)
    etag = pw.TextField(default="")
    generation = pw.IntegerField(default=0)
    derived = pw.BooleanField(default=False)  # meeting touchpoints made (it has started)

    class Meta:
        indexes = ((("account", "provider_id"), True),)


class Attendee(BaseModel):
    event = pw.ForeignKeyField(Event, backref="attendees", on_delete="CASCADE")
    address = pw.ForeignKeyField(Address, on_delete="CASCADE")
    name = pw.TextField(default="")
    partstat = pw.TextField(default="")
    role = pw.TextField(default="")
    organizer = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("event", "address"), True),)


class Touchpoint(BaseModel):
    """One interaction with a person: mail in, mail out, or a meeting."""

    person = pw.ForeignKeyField(Person, backref="touchpoints", on_delete="CASCADE")
    kind = pw.TextField()  # received, sent, meeting
    at = UTCDateTimeField(index=True)
    message = pw.ForeignKeyField(Message, null=True, on_delete="CASCADE")
    event = pw.ForeignKeyField(Event, null=True, on_delete="CASCADE")
    subject = pw.TextField(default="")

    class Meta:
        indexes = (
            (("person", "kind", "message"), True),
            (("person", "event"), True),
        )


class Quarantine(BaseModel):
    """Input that could not be read: kept with the error, never dropped silently."""

    account = pw.ForeignKeyField(Account, on_delete="CASCADE")
    stream = pw.TextField()
    provider_id = pw.TextField()
    source = pw.TextField()
    error = pw.TextField()
    first_seen = UTCDateTimeField()
    last_seen = UTCDateTimeField()
    attempts = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("account", "stream", "provider_id"), True),)


FACT_PENDING = "pending"  # a fact's state until its person's facts are resolved (syncd.listen)


class Fact(BaseModel):
    """Something a person told us about their life, as extracted from one message.

    ``state`` comes from resolving all of a person's facts together: "active", or
    "superseded" (a newer fact of the same kind and subject replaced it: history), or
    "restated" (the same fact said again later, or quoted: one fact, from its first
    message); ``FACT_PENDING`` until then (``syncd.listen.resolve_pending``: no reader shows it).
    ``natural`` is a stable key that user feedback attaches to.
    """

    person = pw.ForeignKeyField(Person, backref="facts", on_delete="CASCADE")
    message = pw.ForeignKeyField(Message, on_delete="CASCADE")
    kind = pw.TextField(index=True)
    value = pw.TextField()
    key = pw.TextField()
    date = pw.TextField(null=True)  # YYYY-MM-DD or --MM-DD
    confidence = pw.FloatField()
    sensitive = pw.BooleanField(default=False)
    sentence = pw.TextField(default="")
    source = pw.TextField()  # the Message-ID
    stated_at = pw.TextField()  # YYYY-MM-DD
    state = pw.TextField(default="active", index=True)
    natural = pw.TextField(index=True)


class OpenLoop(BaseModel):
    """A promise or an unanswered question, from one message."""

    person = pw.ForeignKeyField(Person, backref="loops", on_delete="CASCADE")
    message = pw.ForeignKeyField(Message, on_delete="CASCADE")
    direction = pw.TextField()  # mine / theirs
    kind = pw.TextField()  # promise / question
    text = pw.TextField()
    due = pw.TextField(null=True)  # YYYY-MM-DD
    stated_at = UTCDateTimeField()
    thread = pw.TextField(default="")
    closed_by = pw.TextField(default="")  # the Message-ID that delivered or answered it
    natural = pw.TextField(index=True)
    address = pw.TextField(default="")  # the person's address it was stated with ("": before version 4)

    class Meta:
        # Settling reads the open loops still in reach of a batch of mail (syncd.listen).
        indexes = ((("closed_by", "due", "stated_at"), False),)


class Feedback(BaseModel):
    """What the user said about a fact or a loop; survives re-inference (keyed by natural key)."""

    target = pw.TextField()  # fact / loop
    natural = pw.TextField()
    verdict = pw.TextField()  # dismissed / confirmed / done
    at = UTCDateTimeField()

    class Meta:
        indexes = ((("target", "natural"), True),)


class Draft(BaseModel):
    """A follow-up draft syncd wrote for the user to review; never sent by syncd.

    ``occasion`` is unique and kept for ever (also after a discard), so a draft is
    made once per occasion across restarts and re-syncs: ``followup:<event uid>``,
    ``birthday:<person>:<year>``, ``nudge:<person>:<iso week>``, ...
    """

    occasion = pw.TextField(unique=True)
    kind = pw.TextField()  # followup, birthday, anniversary, nudge, reply, promise
    person = pw.ForeignKeyField(Person, null=True, on_delete="SET NULL")
    to = pw.TextField()  # JSON list of addresses
    subject = pw.TextField()
    body = pw.TextField()
    reason = pw.TextField(default="")  # why syncd wrote it, for the user
    status = pw.TextField(default="pending", index=True)  # pending, placed, discarded, gone
    account = pw.ForeignKeyField(Account, null=True, on_delete="SET NULL")  # where it was placed
    provider_id = pw.TextField(default="")  # the draft's id at the provider
    in_reply_to = pw.TextField(default="")
    references = pw.TextField(default="")
    thread_id = pw.TextField(default="")
    message = pw.ForeignKeyField(Message, null=True, on_delete="SET NULL")  # the message it follows
    event = pw.ForeignKeyField(Event, null=True, on_delete="SET NULL")  # the meeting it follows
    created = UTCDateTimeField()
    updated = UTCDateTimeField()


class Briefing(BaseModel):
    """A morning briefing that went out: one per date, across restarts."""

    date = pw.TextField(unique=True)  # YYYY-MM-DD in the user's zone
    sent_at = UTCDateTimeField()
    channel = pw.TextField()  # smtp, gmail, graph, outbox
    subject = pw.TextField()
    message_id = pw.TextField(default="")
    location = pw.TextField(default="")  # the outbox file, when it went there


MODELS: list[type[BaseModel]] = [
    SchemaVersion, Account, SyncState, Person, Address, Message, Location,
    MessageAddress, Event, Attendee, Touchpoint, Quarantine, Fact, OpenLoop, Feedback, Draft, Briefing,
]


def _v2_listening(database: pw.Database) -> None:
    """Version 2: facts, open loops, feedback, drafts, briefings; per-message word and question counts."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(database)
    migrate(
        migrator.add_column("message", "words", pw.IntegerField(default=0)),
        migrator.add_column("message", "questions", pw.IntegerField(default=0)),
        migrator.add_column("message", "inferred", pw.BooleanField(default=False)),
        migrator.add_index("message", ("inferred",), False),
    )
    database.create_tables([Fact, OpenLoop, Feedback, Draft, Briefing], safe=True)


def _v3_bounces(database: pw.Database) -> None:
    """Version 3: ``address.bounced_at``, the latest permanent bounce."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrate(SchemaMigrator.from_database(database).add_column("address", "bounced_at", UTCDateTimeField(null=True)))


def _v4_gist(database: pw.Database) -> None:
    """Version 4: ``message.gist``, what closing open loops reads of a message (filled in as
    messages are heard; older rows are read from their body until ``syncd reinfer``), and
    ``message.settled`` (the rows there are were settled when they were heard), and
    ``open_loop.address``."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(database)
    steps = [
        migrator.add_column("message", "gist", pw.TextField(default="")),
        migrator.add_column("message", "settled", pw.BooleanField(default=True)),  # closed by the old listening step
        migrator.add_index("message", ("settled", "date"), False),
    ]
    # A database older than version 2 got its open_loop table from today's model (``_v2_listening``).
    if "address" not in {c.name for c in database.get_columns("open_loop")}:
        steps.append(migrator.add_column("open_loop", "address", pw.TextField(default="")))
    migrate(*steps)


def _v5_open_loops(database: pw.Database) -> None:
    """Version 5: an index on open loops by (closed_by, due, stated_at), for settling."""
    from playhouse.migrate import SchemaMigrator, migrate

    # A database older than version 2 got its open_loop table, index included, from today's model.
    if "open_loop_closed_by_due_stated_at" not in {i.name for i in database.get_indexes("open_loop")}:
        migrate(SchemaMigrator.from_database(database).add_index("open_loop", ("closed_by", "due", "stated_at"), False))


# MIGRATIONS[n] takes a database from schema version n+1 to n+2. A new database is
# created at the current version from the models; an older one runs the steps it
# lacks, in order. Never edit a released step; add the next one.
MIGRATIONS: list[Callable[[pw.Database], None]] = [
    _v2_listening,
    _v3_bounces,
    _v4_gist,
    _v5_open_loops,
]
SCHEMA_VERSION = len(MIGRATIONS) + 1


def open_db(url: str) -> pw.Database:
    """Open (and migrate) the database at ``url`` and bind the models to it."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        database: pw.Database = pw.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    else:
        database = connect(url)
    db.initialize(database)
    database.connect(reuse_if_open=True)
    migrate(database)
    return database


def current_version(database: pw.Database) -> int:
    if not database.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(pw.fn.MAX(SchemaVersion.version)).scalar()
    return int(row or 0)


def migrate(database: pw.Database) -> int:
    """Bring the schema up to ``SCHEMA_VERSION``; returns the version found before."""
    found = current_version(database)
    if found > SCHEMA_VERSION:
        from syncd.errors import ConfigError

        raise ConfigError(
            f"the database has schema version {found}, newer than this syncd ({SCHEMA_VERSION}): upgrade syncd"
        )
    if found == 0:
        with database.atomic():
            database.create_tables(MODELS, safe=True)
            SchemaVersion.create(version=SCHEMA_VERSION)
        return found
    for version in range(found + 1, SCHEMA_VERSION + 1):
        with database.atomic():
            MIGRATIONS[version - 2](database)
            SchemaVersion.create(version=version)
        log.info("database migrated to schema version %s", version)
    return found


def close_db() -> None:
    if db.obj is not None and not db.obj.is_closed():
        db.obj.close()
