"""Test documents written for these tests (not taken from any outlet)."""

ARTICLE_PARAGRAPHS = [
    "Government forces captured the town of Kafr Nabl in southern Idlib on Tuesday after "
    "three days of fighting with opposition groups, a monitoring group said.",
    "Residents said artillery fire had hit the market and the main road before the advance, "
    "and that most families had already left for camps near the Turkish border.",
    "The town had been held by armed opposition factions since 2012. Its loss brings "
    "government troops within a few kilometres of the road linking Aleppo and Latakia.",
    "Local officials said at least twelve civilians were killed in the shelling and that "
    "about nine thousand people fled in the two days before the town fell.",
    "Opposition commanders said their fighters had withdrawn to positions north of the town "
    "to avoid being encircled, and promised a counter-attack once reinforcements arrived.",
    "Aid workers described crowded roads, with trucks carrying mattresses, water tanks and "
    "livestock moving slowly towards the north through the night and into the morning.",
    "The advance is the latest in a campaign that began in December and has pushed the front "
    "line steadily north along the main highway, one village after another.",
    "Diplomats said talks between the foreign ministers were expected later in the week, but "
    "few expected an agreement that would stop the fighting before the spring.",
]
ARTICLE_TEXT = "\n\n".join(ARTICLE_PARAGRAPHS)

FRENCH_TEXT = (
    "Les forces gouvernementales ont pris mardi le contrôle de la ville de Kafr Nabl, dans le "
    "sud de la province d'Idleb, après trois jours de combats avec les groupes de l'opposition. "
    "Selon les habitants, la plupart des familles avaient déjà quitté la ville pour les camps "
    "proches de la frontière turque."
)


def article_html(*, title="Government forces capture Kafr Nabl", paragraphs=None,
                 date="2020-02-25", canonical="", extra_body=""):
    paras = "\n".join(f"<p>{p}</p>" for p in (paragraphs or ARTICLE_PARAGRAPHS))
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | Idlib Monitor</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Idlib Monitor">
<meta property="article:published_time" content="{date}T09:30:00+00:00">
{link}
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
<p class="byline">By Staff Reporter, {date}</p>
{paras}
{extra_body}
</article>
<footer><p>Copyright Idlib Monitor. All rights reserved. Subscribe to our newsletter.</p></footer>
</body></html>"""


EMPTY_HTML = """<!DOCTYPE html><html><head><title>Video: the latest</title></head>
<body><nav><a href="/">Home</a></nav><div id="player"></div>
<footer>Copyright 2020</footer></body></html>"""

OTHER_PARAGRAPHS = [
    "Artillery shells struck the market in Ariha on Sunday morning, killing five people who "
    "were buying bread, according to the local civil defence.",
    "Rescue workers pulled two children from the rubble of a bakery. The town's only "
    "hospital said it had received more than thirty wounded people by the afternoon.",
    "Ariha lies south of the provincial capital and has been under repeated bombardment "
    "since the government offensive reached the nearby highway in January.",
    "Shopkeepers said many of them had stopped opening their stalls, and that prices of flour "
    "and fuel had doubled over the past month as the roads became unsafe.",
    "Teachers in the town said schools had moved their lessons into basements, and that "
    "attendance had fallen by half since the start of the year.",
]
