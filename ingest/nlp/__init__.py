"""Natural-language processing, free of Django.

Takes text plus a gazetteer and an actor/accord registry, returns plain dataclasses.
Nothing here imports Django: the knowledge base's services save what it returns.
"""

VERSION = "0.5.0"
