"""The triggers that write the change log (``watch.models.Change``), as SQL.

Deferred constraint triggers run at commit, after every statement of the transaction,
so they see each object's final state and take the change-id lock only for the instant
of the commit (no lock is held while the transaction still works, so none can deadlock
with row locks). The lock makes ids follow commit order: a transaction that commits
later gets larger ids, and a reader who has seen id N never meets a new id below N.
"""

# Any constant: the advisory lock's key.
LOCK_KEY = 7_190_019

FUNCTION = f"""
CREATE OR REPLACE FUNCTION watch_change_record() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    k text := TG_ARGV[0];
    obj bigint;
    present boolean := false;
    tx bigint;
    st text;
    merged bigint;
    act text;
BEGIN
    IF TG_OP = 'DELETE' THEN obj := OLD.id; ELSE obj := NEW.id; END IF;
    tx := txid_current();
    IF EXISTS (SELECT 1 FROM watch_change WHERE txid = tx AND kind = k AND object_id = obj) THEN
        RETURN NULL;
    END IF;
    -- static queries, one per table: their plans are cached (a dynamic EXECUTE is not)
    IF k = 'event' THEN
        SELECT review_status, merged_into_id INTO st, merged FROM events_event WHERE id = obj;
    ELSIF k = 'control' THEN
        PERFORM 1 FROM events_controlflip WHERE id = obj;
    ELSIF k = 'place' THEN
        PERFORM 1 FROM events_place WHERE id = obj;
    ELSE
        PERFORM 1 FROM events_actor WHERE id = obj;
    END IF;
    present := FOUND;
    IF NOT present THEN
        IF TG_OP = 'INSERT' THEN RETURN NULL; END IF;  -- born and gone in one transaction
        act := 'deleted';
    ELSIF TG_OP = 'INSERT' THEN
        act := 'created';
    ELSE
        act := 'updated';
        IF k = 'event' THEN  -- OLD has review_status only on events (no short circuit)
            IF st IS DISTINCT FROM OLD.review_status
                    AND st IN ('verified', 'merged', 'rejected') THEN
                act := st;
            END IF;
        END IF;
    END IF;
    IF act <> 'merged' THEN merged := NULL; END IF;
    PERFORM pg_advisory_xact_lock({LOCK_KEY});
    INSERT INTO watch_change (kind, object_id, action, merged_into, status, txid, created_at)
    VALUES (k, obj, act, merged, coalesce(st, ''), tx, clock_timestamp());
    RETURN NULL;
END $$;
"""

TABLES = {"event": "events_event", "control": "events_controlflip",
          "place": "events_place", "actor": "events_actor"}

CREATE = [FUNCTION] + [
    f"""CREATE CONSTRAINT TRIGGER watch_change_{kind} AFTER INSERT OR UPDATE OR DELETE
        ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        EXECUTE FUNCTION watch_change_record('{kind}');"""
    for kind, table in TABLES.items()
]

DROP = [f"DROP TRIGGER IF EXISTS watch_change_{kind} ON {table};"
        for kind, table in TABLES.items()] + ["DROP FUNCTION IF EXISTS watch_change_record();"]
