"""Server-rendered pages, one module per area (dashboard, map, browsing, review, submit)."""

from .browse import (
    accord_detail,
    actor_detail,
    article_detail,
    event_detail,
    event_list,
    place_detail,
    place_lookup,
)
from .dashboard import health, home, search
from .maps import (
    admin1_boundaries,
    control_areas,
    control_changes,
    control_data,
    control_map,
    place_card,
    place_control_review,
)
from .review import event_revert, event_review, review_queue
from .submit import article_submit, feed_list, job_detail

__all__ = [
    "accord_detail", "actor_detail", "admin1_boundaries", "article_detail", "article_submit",
    "control_areas", "control_changes", "control_data", "place_control_review",
    "control_map", "event_detail", "event_list", "event_review", "event_revert", "feed_list",
    "health", "home", "job_detail", "place_card", "place_detail", "place_lookup",
    "review_queue", "search",
]
