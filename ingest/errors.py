"""Errors of the ingestion pipeline, with messages meant for the person who submitted the input.

``transient`` says whether trying again later may succeed (a timeout, a refused connection,
a 503); the tasks retry those with backoff and fail the job at once for the others.
"""


class IngestError(Exception):
    """Something about the input or its fetching stopped ingestion; ``str()`` explains it."""

    transient = False


class TransientIngestError(IngestError):
    """A failure that may go away if the same input is tried again later."""

    transient = True
