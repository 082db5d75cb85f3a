"""The source graph: outlets and sources of many articles as nodes of one graph, and a picture of it.

Edges point from citer to cited (article -> nearest hop -> ... -> origin). An article with an outlet is
that outlet's node, so two outlets citing each other form a cycle. Hops that name no one ("sources",
a bare "press conference") are kept apart per citer, so unrelated "sources" do not merge.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from rapidfuzz import fuzz

from reviews.detect.chains import AGENCY, AGGREGATOR, CONFERENCE, OUTLET, PERSON, PHOTO, PRIMARY_SOURCE, SOCIAL, Hop

ARTICLE = "article"  # the kind of an article's node when it has no outlet
# When one node is named with different kinds, the first of these wins.
_KIND_ORDER = (AGGREGATOR, AGENCY, OUTLET, ARTICLE, SOCIAL, CONFERENCE, PERSON, "unnamed", PHOTO)
_FUZZY_RATIO = 92  # names this similar are one node ("Zelensky" / "Zelenskyy" in longer names)
_FUZZY_MIN_LENGTH = 8


@dataclass
class ArticleChains:
    article_id: int
    label: str  # the title
    outlet: str  # may be ""
    chains: list[list[dict]]  # each chain its hop dicts, nearest first, as stored in the database


@dataclass(frozen=True)
class SourceNode:
    key: str
    label: str
    kind: str
    article_ids: tuple[int, ...]
    is_article: bool


@dataclass(frozen=True)
class SourceEdge:
    source: str  # the citer's key
    target: str  # the cited node's key
    count: int
    article_ids: tuple[int, ...]
    in_cycle: bool


class SourceGraph:
    """Nodes, edges, circular citations and single-source articles of a set of articles' chains."""

    def __init__(self, digraph: nx.DiGraph, article_nodes: dict[int, str], origins: dict[int, list[str]]):
        self.digraph = digraph
        self.article_nodes = article_nodes  # article id -> its node key
        self._origins = origins  # article id -> the origin key of each chain that counts

    @property
    def nodes(self) -> list[SourceNode]:
        return [self.node(key) for key in sorted(self.digraph.nodes)]

    @property
    def edges(self) -> list[SourceEdge]:
        return [
            SourceEdge(u, v, data["count"], tuple(sorted(data["articles"])), data["in_cycle"])
            for u, v, data in sorted(self.digraph.edges(data=True), key=lambda e: (e[0], e[1]))
        ]

    def node(self, key: str) -> SourceNode:
        data = self.digraph.nodes[key]
        return SourceNode(key, data["label"], data["kind"], tuple(sorted(data["articles"])), data["is_article"])

    def cycles(self, length_bound: int = 8, limit: int = 100) -> list[list[str]]:
        """Circular citations as lists of node labels, each from its smallest key; bounded in length and number."""
        found = []
        for cycle in itertools.islice(nx.simple_cycles(self.digraph, length_bound=length_bound), limit):
            first = cycle.index(min(cycle))
            found.append(cycle[first:] + cycle[:first])
        return [[self.digraph.nodes[key]["label"] for key in cycle] for cycle in sorted(found)]

    def single_source_articles(self) -> list[int]:
        """Articles whose chains (photo credits and bare aggregator notices aside) all end at one origin."""
        return sorted(article for article, keys in self._origins.items() if keys and len(set(keys)) == 1)

    def origins(self, article_id: int) -> list[SourceNode]:
        """The distinct origins of an article's chains, photo credits and bare aggregator notices aside."""
        return [self.node(key) for key in sorted(set(self._origins.get(article_id, [])))]

    def for_article(self, article_id: int) -> SourceGraph:
        """The part of the graph one article's chains make (cycle marks from the whole graph are kept)."""
        edges = [(u, v) for u, v, data in self.digraph.edges(data=True) if article_id in data["articles"]]
        sub = self.digraph.edge_subgraph(edges).copy()
        own = self.article_nodes.get(article_id)
        if own is not None and own not in sub:
            sub.add_node(own, **self.digraph.nodes[own])
        articles = {article_id: own} if own is not None else {}
        return SourceGraph(sub, articles, {article_id: self._origins.get(article_id, [])})


def build_graph(articles: Iterable[ArticleChains]) -> SourceGraph:
    """One graph of all the articles' chains (articles are read in id order, so the result is deterministic)."""
    graph = nx.DiGraph()
    articles = sorted(articles, key=lambda a: a.article_id)
    names = _surnames(articles)  # a hop's key -> the node key it was merged into
    article_nodes: dict[int, str] = {}
    origins: dict[int, list[str]] = {}
    for article in articles:
        chains = [[Hop.from_dict(hop) for hop in chain] for chain in article.chains]
        if article.outlet.strip():
            outlet = Hop(article.outlet.strip(), OUTLET)
            own = _merged_key(outlet, names)
            is_aggregator = any(
                chain and chain[0].kind == AGGREGATOR and chain[0].key == outlet.key for chain in chains
            )
            _add_node(graph, own, outlet.name, AGGREGATOR if is_aggregator else OUTLET, article.article_id)
        else:
            own = f"article:{article.article_id}"
            _add_node(graph, own, article.label or own, ARTICLE, article.article_id)
        graph.nodes[own]["is_article"] = True
        article_nodes[article.article_id] = own
        origins[article.article_id] = []
        for hops in chains:
            origin = _add_chain(graph, own, hops, names, article.article_id)
            if origin and _counts(hops):
                origins[article.article_id].append(origin)
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1]
    in_cycle = {key: index for index, component in enumerate(components) for key in component}
    for u, v, data in graph.edges(data=True):
        data["in_cycle"] = u in in_cycle and in_cycle[u] == in_cycle.get(v)
    return SourceGraph(graph, article_nodes, origins)


def _surnames(articles: list[ArticleChains]) -> dict[str, str]:
    """A person named by surname alone ("Rudenko") is the one person with a full name ending so
    ("Igor Rudenko"), when there is exactly one."""
    hops = (Hop.from_dict(hop) for article in articles for chain in article.chains for hop in chain)
    people = {hop.key for hop in hops if hop.kind == PERSON}
    merged: dict[str, str] = {}
    for key in people:
        if " " in key:
            continue
        fuller = [other for other in people if " " in other and other.rsplit(" ", 1)[-1] == key]
        if len(fuller) == 1:
            merged[key] = fuller[0]
            merged[fuller[0]] = fuller[0]
    return merged


def _counts(hops: list[Hop]) -> bool:
    """Whether a chain counts for origins: not a photo credit, not a notice pointing at an unnamed primary source."""
    if not hops or any(hop.kind == PHOTO for hop in hops):
        return False
    return not (hops[-1].generic and hops[-1].key == PRIMARY_SOURCE)


def _add_chain(graph: nx.DiGraph, own: str, hops: list[Hop], names: dict[str, str], article_id: int) -> str:
    """Adds one chain's nodes and edges; returns its origin's key ("" when every hop is the article itself)."""
    previous = own
    for hop in hops:
        key = f"{previous}>{hop.key}" if hop.generic else _merged_key(hop, names)
        if key == previous or (previous == own and key == own):
            continue
        _add_node(graph, key, hop.name, hop.kind, article_id)
        if graph.has_edge(previous, key):
            graph.edges[previous, key]["count"] += 1
            graph.edges[previous, key]["articles"].add(article_id)
        else:
            graph.add_edge(previous, key, count=1, articles={article_id})
        previous = key
    return "" if previous == own else previous


def _merged_key(hop: Hop, names: dict[str, str]) -> str:
    """The node key for a named hop: its own key, or an existing one that is nearly the same name."""
    key = hop.key
    if key in names:
        return names[key]
    merged = key
    if len(key) >= _FUZZY_MIN_LENGTH:
        for other in sorted(set(names.values())):
            same_numbers = re.findall(r"\d+", key) == re.findall(r"\d+", other)  # "Unit 12" is not "Unit 13"
            if len(other) >= _FUZZY_MIN_LENGTH and same_numbers and fuzz.ratio(key, other) >= _FUZZY_RATIO:
                merged = other
                break
    names[key] = merged
    return merged


def _add_node(graph: nx.DiGraph, key: str, label: str, kind: str, article_id: int) -> None:
    if key not in graph:
        graph.add_node(key, label=label, kind=kind, articles={article_id}, is_article=False)
        return
    data = graph.nodes[key]
    data["articles"].add(article_id)
    if len(label) > len(data["label"]) and kind == data["kind"]:
        data["label"] = label  # "Igor Rudenko" rather than "Rudenko"
    if _rank(kind) < _rank(data["kind"]):
        data["kind"] = kind


def _rank(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


# --- the picture ------------------------------------------------------------------------------------------


BOX_HALF_WIDTH = 95  # each node is drawn as a 190 by 22 pixel box centred on it
BOX_HALF_HEIGHT = 11
BOX_WIDTH, BOX_HEIGHT = 2 * BOX_HALF_WIDTH, 2 * BOX_HALF_HEIGHT


@dataclass(frozen=True)
class PictureNode:
    key: str
    x: float
    y: float
    label: str  # truncated for drawing; `title` is the whole name
    title: str
    kind: str
    is_article: bool
    flagged: bool  # a single-source article, or a node on a circular citation

    @property
    def box_x(self) -> float:
        return round(self.x - BOX_HALF_WIDTH, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - BOX_HALF_HEIGHT, 1)


@dataclass(frozen=True)
class PictureEdge:
    x1: float  # the citer
    y1: float
    x2: float  # the cited
    y2: float
    count: int
    in_cycle: bool


@dataclass
class Picture:
    width: float
    height: float
    nodes: list[PictureNode] = field(default_factory=list)
    edges: list[PictureEdge] = field(default_factory=list)
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


def layout(
    graph: SourceGraph,
    width: float = 960,
    *,
    row_gap: float = 34,
    min_column_gap: float = 210,
    label_chars: int = 26,
    margin: float = 24,
) -> Picture:
    """A layered drawing: articles and outlets in the right-hand column, each source one column further left
    than its longest distance from an article, rows ordered to follow their citers. Labels go centred above
    their node, so columns are at least `min_column_gap` apart (the width grows if need be) and rows
    `row_gap` apart (the height grows with the rows). The same graph always gives the same picture."""
    digraph = graph.digraph
    if not digraph:
        return Picture(width=width, height=2 * margin)
    back = _back_edges(digraph, graph.article_nodes.values())
    dag = nx.DiGraph()
    dag.add_nodes_from(sorted(digraph.nodes))
    dag.add_edges_from(sorted((u, v) for u, v in digraph.edges if (u, v) not in back))
    column: dict[str, int] = {}
    for key in nx.lexicographical_topological_sort(dag):
        column[key] = max((column[u] + 1 for u in dag.predecessors(key)), default=0)
    columns = max(column.values()) + 1
    row = _rows(dag, column, columns, {key: digraph.nodes[key]["label"] for key in digraph.nodes})

    half_label = BOX_HALF_WIDTH
    gap = min_column_gap if columns == 1 else max(min_column_gap, (width - 2 * half_label - 2 * margin) / (columns - 1))
    width = max(width, 2 * (half_label + margin) + (columns - 1) * gap)
    top = margin + 14  # room for the first row's labels
    height = top + max(row.values()) * row_gap + margin
    right = width - margin - half_label

    def point(key: str) -> tuple[float, float]:
        x = width / 2 if columns == 1 else right - column[key] * gap
        return round(x, 1), round(top + row[key] * row_gap, 1)

    single = {graph.article_nodes[article] for article in graph.single_source_articles()}
    nodes = []
    for key in sorted(digraph.nodes, key=lambda k: (column[k], row[k], k)):
        data = digraph.nodes[key]
        on_cycle = any(
            digraph.edges[e]["in_cycle"] for e in itertools.chain(digraph.in_edges(key), digraph.out_edges(key))
        )
        flagged = on_cycle or key in single
        x, y = point(key)
        label = _truncate(data["label"], label_chars)
        nodes.append(PictureNode(key, x, y, label, data["label"], data["kind"], data["is_article"], flagged))
    edges = []
    for u, v, data in sorted(digraph.edges(data=True), key=lambda e: (e[0], e[1])):
        (x1, y1), (x2, y2) = point(u), point(v)
        # From box edge to box edge, so the arrowhead sits outside the box it points at.
        if x1 != x2:
            step = BOX_HALF_WIDTH if x1 > x2 else -BOX_HALF_WIDTH
            x1, x2 = x1 - step, x2 + step
        else:
            step = BOX_HALF_HEIGHT if y1 < y2 else -BOX_HALF_HEIGHT
            y1, y2 = y1 + step, y2 - step
        edges.append(PictureEdge(x1, y1, x2, y2, data["count"], data["in_cycle"]))
    return Picture(width=round(width, 1), height=round(height, 1), nodes=nodes, edges=edges)


def _back_edges(digraph: nx.DiGraph, starts: Iterable[str]) -> set[tuple[str, str]]:
    """Edges that close a cycle in a depth-first walk from the articles (then from any node left), in key order."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    back: set[tuple[str, str]] = set()
    for start in [*sorted(set(starts)), *sorted(digraph.nodes)]:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(sorted(digraph.successors(start))))]
        while stack:
            node, successors = stack[-1]
            following = next(successors, None)
            if following is None:
                state[node] = 2
                stack.pop()
            elif state.get(following) == 1:
                back.add((node, following))
            elif following not in state:
                state[following] = 1
                stack.append((following, iter(sorted(digraph.successors(following)))))
    return back


def _rows(dag: nx.DiGraph, column: dict[str, int], columns: int, labels: dict[str, str]) -> dict[str, float]:
    """Row positions: the first column by label, each further column near the mean row of its citers."""
    row: dict[str, float] = {}
    for index in range(columns):
        keys = [key for key in dag.nodes if column[key] == index]
        desired = {}
        for key in keys:
            citers = [row[u] for u in dag.predecessors(key) if u in row]
            desired[key] = sum(citers) / len(citers) if citers else 0.0
        keys.sort(key=lambda k: (desired[k], labels[k].lower(), k))
        previous = -1.0
        for key in keys:
            position = max(previous + 1, desired[key] if index else previous + 1)
            row[key] = position
            previous = position
    return row


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
