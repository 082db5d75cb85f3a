"""Attribution chains and the source graph: pure functions on text and plain data, no database."""

from pathlib import Path

from reviews.detect.chains import (
    AGENCY,
    AGGREGATOR,
    CONFERENCE,
    OUTLET,
    PERSON,
    PHOTO,
    SOCIAL,
    UNNAMED,
    Hop,
    article_chains,
    chain_for,
)
from reviews.detect.detector import ATTRIBUTION, detect
from reviews.detect.graph import ArticleChains, build_graph, layout
from reviews.text import derive_meta

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"


def hops(chain) -> list[tuple[str, str]]:
    return [(hop.name, hop.kind) for hop in chain.hops]


def all_hops(text: str, outlet: str = "") -> list[list[tuple[str, str]]]:
    return [hops(chain) for chain in article_chains(text, outlet)]


def hop(name: str, kind: str = OUTLET) -> dict:
    return {"name": name, "kind": kind}


def seed(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


# --- chains ------------------------------------------------------------------------------------------------


def test_as_per_a_via_b_makes_b_nearer_than_a():
    text = "Fourteen people were killed in the shelling, as per the Valley Courier via Yahoo News."
    candidate = next(c for c in detect(text) if c.category == ATTRIBUTION)
    chain = chain_for(candidate, [candidate], text)
    assert chain is not None
    assert hops(chain) == [("Yahoo News", AGGREGATOR), ("Valley Courier", OUTLET)]
    assert chain.origin == Hop("Valley Courier", OUTLET)


def test_a_citing_b_keeps_a_nearer_than_b():
    text = "The water supply was cut, according to the Metro Herald citing local officials."
    assert all_hops(text) == [[("Metro Herald", OUTLET), ("local officials", UNNAMED)]]


def test_witnesses_quoted_by_an_outlet_come_after_the_outlet():
    text = "Three civilians were wounded, according to witnesses quoted by the Evening Ledger."
    assert all_hops(text) == [[("Evening Ledger", OUTLET), ("witnesses", UNNAMED)]]


def test_aggregator_notice_puts_aggregator_first_and_primary_source_last():
    text = (
        "Nine civilians died in the strike, according to the Evening Ledger.\n\n"
        "Quickfeed is an automatic aggregator of the world's media. "
        "In each content, the hyperlink to the primary source is specified."
    )
    chains = all_hops(text, outlet="Quickfeed")
    assert chains == [
        [("Quickfeed", AGGREGATOR), ("Evening Ledger", OUTLET)],
        [("Quickfeed", AGGREGATOR), ("primary source", UNNAMED)],
    ]


def test_aggregator_notice_with_a_source_line_ends_at_that_source():
    text = "Nine civilians died.\n\nQuickfeed is a news aggregator.\n\nSource: Coastline Times"
    assert all_hops(text) == [[("Quickfeed", AGGREGATOR), ("Coastline Times", OUTLET)]]


def test_press_conference_speaker_gets_conference_hop():
    text = "Colonel Piet Dekker told a news conference that 40 soldiers had surrendered."
    assert all_hops(text) == [[("press conference", CONFERENCE), ("Piet Dekker", PERSON)]]


def test_conference_held_by_an_agency_names_the_agency_and_later_mentions_resolve_to_it():
    text = (
        "Captured pilots spoke during a press conference with the Northwind news agency.\n\n"
        "Anna Berg, a signal officer of the 12th brigade, told the press conference that 30 men had died."
    )
    agency = ("Northwind news agency", AGENCY)
    conference = ("Northwind press conference", CONFERENCE)
    assert all_hops(text) == [[agency, conference], [agency, conference, ("Anna Berg", PERSON)]]


def test_pronoun_speaker_alone_gives_no_chain():
    for text in ("He said the convoy was hit twice.", "One of the soldiers said they had not eaten for days."):
        candidates = [c for c in detect(text) if c.category == ATTRIBUTION]
        assert candidates, text
        assert all(chain_for(c, candidates, text) is None for c in candidates)
        assert article_chains(text) == []


def test_pronoun_speaker_takes_the_source_named_elsewhere_in_its_sentence():
    text = "“We were told nothing,” he said, according to the Evening Ledger."
    assert all_hops(text) == [[("Evening Ledger", OUTLET)]]


def test_speaker_in_an_apposition_is_found_by_name():
    text = "The commander of the 5th brigade, Ivan Petrenko, said 12 soldiers were captured. Petrenko added more."
    chains = all_hops(text)
    assert chains[0] == [("Ivan Petrenko", PERSON)]
    assert all(chain == [("Ivan Petrenko", PERSON)] for chain in chains)  # the surname joins the full name


def test_speaker_posting_on_social_media_gets_a_social_hop():
    text = "In a recent tweet, Mara Olsen, a campaigner, stated that prisoners must be protected."
    assert all_hops(text) == [[("Twitter", SOCIAL), ("Mara Olsen", PERSON)]]


def test_photo_credit_becomes_a_photo_chain_with_the_agency_nearer():
    text = "Soldiers walk past a burning tank.\n(Photo by Jan Kowal / Northwind Pictures)"
    assert all_hops(text) == [[("Northwind Pictures", PHOTO), ("Jan Kowal", PHOTO)]]


def test_article_citing_its_own_outlet_loses_that_hop():
    text = "Five people died, the Valley Courier reported.\n\nSource: Valley Courier"
    assert all_hops(text, outlet="Valley Courier") == []


def test_hop_round_trips_through_dicts():
    original = Hop("Northwind news agency", AGENCY)
    assert Hop.from_dict(original.as_dict()) == original


# --- the graph ---------------------------------------------------------------------------------------------


def test_same_agency_spelled_differently_is_one_node():
    names = ["The Baltic Wire News Agency", "Baltic-Wire news agency", "Baltic Wire"]
    assert len({Hop(name, AGENCY).key for name in names}) == 1
    articles = [
        ArticleChains(index, f"Story {index}", "", [[hop(name, AGENCY)]]) for index, name in enumerate(names, 1)
    ]
    graph = build_graph(articles)
    agencies = [node for node in graph.nodes if node.kind == AGENCY]
    assert len(agencies) == 1
    assert agencies[0].article_ids == (1, 2, 3)


def test_unnamed_sources_of_different_articles_stay_apart():
    articles = [ArticleChains(i, f"Story {i}", "", [[hop("sources", UNNAMED)]]) for i in (1, 2)]
    graph = build_graph(articles)
    assert len([node for node in graph.nodes if node.label == "sources"]) == 2


def test_single_source_story_is_flagged():
    ledger, agency = hop("Evening Ledger"), hop("Northwind news agency", AGENCY)
    photo = hop("Jan Kowal", PHOTO)
    graph = build_graph(
        [
            ArticleChains(1, "Everything from one agency", "", [[ledger, agency], [agency], [photo]]),
            ArticleChains(2, "Two origins", "", [[agency], [hop("Anna Berg", PERSON)]]),
            ArticleChains(3, "No chains at all", "", []),
        ]
    )
    assert graph.single_source_articles() == [1]
    assert [node.label for node in graph.origins(1)] == ["Northwind news agency"]
    assert graph.cycles() == []


def test_two_outlets_citing_each_other_form_a_cycle():
    graph = build_graph(
        [
            ArticleChains(1, "First story", "Valley Courier", [[hop("The Metro Herald")]]),
            ArticleChains(2, "Second story", "Metro Herald", [[hop("Valley Courier")]]),
            ArticleChains(3, "Bystander", "Evening Ledger", [[hop("Valley Courier")], [hop("Anna Berg", PERSON)]]),
        ]
    )
    assert graph.cycles() == [["The Metro Herald", "Valley Courier"]]
    in_cycle = {(edge.source, edge.target): edge.in_cycle for edge in graph.edges}
    assert in_cycle == {
        ("valley courier", "metro herald"): True,
        ("metro herald", "valley courier"): True,
        ("evening ledger", "valley courier"): False,
        ("evening ledger", "anna berg"): False,
    }
    flagged = {node.label for node in layout(graph).nodes if node.flagged}
    assert flagged == {"The Metro Herald", "Valley Courier"}  # on the cycle (and single-source besides)


def test_article_graph_keeps_only_that_articles_edges():
    graph = build_graph(
        [
            ArticleChains(1, "First", "Valley Courier", [[hop("Metro Herald")]]),
            ArticleChains(2, "Second", "Evening Ledger", [[hop("Metro Herald")], [hop("Anna Berg", PERSON)]]),
        ]
    )
    sub = graph.for_article(2)
    assert {(edge.source, edge.target) for edge in sub.edges} == {
        ("evening ledger", "metro herald"),
        ("evening ledger", "anna berg"),
    }


def test_layout_is_deterministic_and_keeps_nodes_apart():
    articles = []
    for number in range(40):
        wire = hop(f"Wire Service {number % 3}", AGENCY)
        chains = [[hop(f"Outlet {number % 7}"), wire], [hop(f"Speaker Number {number}", PERSON)]]
        articles.append(ArticleChains(number, f"A rather long headline for story number {number}", "", chains))
    graph = build_graph(articles)
    first, second = layout(graph, width=900), layout(build_graph(reversed(articles)), width=900)
    assert first == second
    assert len(first.nodes) == len(graph.nodes) == 40 + 7 + 3 + 40
    columns: dict[float, list[float]] = {}
    for node in first.nodes:
        assert len(node.label) <= 28
        assert 0 <= node.x <= first.width and 0 <= node.y <= first.height
        columns.setdefault(node.x, []).append(node.y)
    xs = sorted(columns)
    assert len(xs) == 3  # articles, then outlets and speakers, then wires
    assert all(right - left >= 200 for left, right in zip(xs, xs[1:], strict=False))
    for ys in columns.values():
        ys.sort()
        assert all(lower - upper >= 34 for upper, lower in zip(ys, ys[1:], strict=False))
    articles_x = {node.x for node in first.nodes if node.is_article}
    assert articles_x == {xs[-1]}  # articles on the right
    assert all(edge.x1 > edge.x2 for edge in first.edges)  # every citation points left, to its source


def test_layout_of_an_empty_graph_is_an_empty_picture():
    picture = layout(build_graph([]))
    assert picture.nodes == [] and picture.edges == []


# --- the seed articles -------------------------------------------------------------------------------------


def test_seed_articles_give_the_expected_chains():
    chains_001 = all_hops(seed("001"))
    assert [("MSN", AGGREGATOR), ("Newsweek", OUTLET)] in chains_001
    assert [("The Sun", OUTLET), ("Pavlo Kyrylenko", PERSON)] in chains_001
    assert [("AFP", PHOTO), ("Dimitar DILKOFF", PHOTO)] in chains_001

    chains_000 = all_hops(seed("000"))
    assert [("Twitter", SOCIAL), ("Andrew Stroehlein", PERSON)] in chains_000
    assert [("footage", UNNAMED), ("Volodymyr Zelensky", PERSON)] in chains_000

    text_003 = seed("003")
    outlet_003 = derive_meta(text_003).outlet
    chains_003 = all_hops(text_003, outlet_003)
    assert all(chain[0] == ("Fry", AGGREGATOR) for chain in chains_003)
    agency = ("Interfax-Ukraine news agency", AGENCY)
    conference = ("Interfax-Ukraine press conference", CONFERENCE)
    assert [("Fry", AGGREGATOR), agency, conference, ("Igor Rudenko", PERSON)] in chains_003
    assert chains_003[-1] == [("Fry", AGGREGATOR), ("primary source", UNNAMED)]

    text_004 = seed("004")
    chains_004 = all_hops(text_004, derive_meta(text_004).outlet)
    assert [("Nexta TV", OUTLET)] in chains_004
    assert [("Olexandr Morozov", PERSON)] in chains_004
    assert all(name != "Lasexta" for chain in chains_004 for name, _ in chain)

    for prefix in ("000", "001", "002", "003", "004"):
        names = {name.lower() for chain in all_hops(seed(prefix)) for name, _ in chain}
        assert not names & {"he", "she", "they", "it", "who", "another", ""}, prefix


def test_seed_graph_merges_one_agency_across_articles_and_finds_no_cycle():
    articles = []
    for number, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        meta = derive_meta(text)
        chains = [chain.as_dicts() for chain in article_chains(text, meta.outlet)]
        articles.append(ArticleChains(number, meta.title, meta.outlet, chains))
    graph = build_graph(articles)
    agency = next(node for node in graph.nodes if node.kind == AGENCY)
    assert len(agency.article_ids) == 4
    assert graph.cycles() == []
    picture = layout(graph)
    assert picture.height > 200 and len(picture.nodes) == len(graph.nodes)


def test_a_speaker_named_by_surname_alone_is_the_one_person_with_that_full_name():
    graph = build_graph(
        [
            ArticleChains(1, "First", "", [[hop("Rudenko", PERSON)], [hop("Igor Rudenko", PERSON)]]),
            ArticleChains(
                2, "Second", "", [[hop("Rudenko", PERSON)], [hop("Anna Berg", PERSON)], [hop("Berg", PERSON)]]
            ),
        ]
    )
    people = sorted(node.label for node in graph.nodes if node.kind == PERSON)
    assert people == ["Anna Berg", "Igor Rudenko"]
