"""Graph analytics: exact values on small graphs worked out by hand, and on the seed corpus checked against its text."""

from __future__ import annotations

import pytest

from kgbuild.export.analytics import (
    communities,
    cooccurrence,
    date_period,
    entity_centrality,
    leaderboard,
    lower_is_better,
    mentions_over_time,
    parse_value,
)
from kgbuild.graph.convert import to_networkx
from kgbuild.graph.model import Edge, EdgeKind, KnowledgeGraph, Node, NodeKind, Provenance


def _graph(nodes: list[Node], edges: list[tuple[str, EdgeKind, str]]) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for node in nodes:
        kg.add_node(node)
    for source, kind, target in edges:
        paper = source.removeprefix("paper/") if source.startswith("paper/") else "p1"
        kg.add_edge(Edge(source, target, kind, Provenance(paper, "abstract", 0, 1, "test", "1", 0.9)))
    return kg


def paper(key: str, date: str | None = None) -> Node:
    return Node(f"paper/{key}", NodeKind.PAPER, f"Paper {key}", {"title": f"Paper {key}", **({"date": date} if date
                                                                                           else {})})


def entity(kind: NodeKind, name: str) -> Node:
    return Node(f"{kind.value.lower()}/{name.lower()}", kind, name, {"name": name})


def result(key: str, value: str) -> Node:
    return Node(f"result/{key}", NodeKind.RESULT, value, {"value": value})


LORA, GLUE, ACC, QA, ADAPTER = (entity(NodeKind.METHOD, "LoRA"), entity(NodeKind.DATASET, "GLUE"),
                                entity(NodeKind.METRIC, "accuracy"), entity(NodeKind.TASK, "QA"),
                                entity(NodeKind.METHOD, "Adapter"))


@pytest.fixture(scope="module")
def small():
    """Four papers: p1 (a full date) and p2 (a month) use LoRA on GLUE, p3 (a year) proposes it, p4 (no year)
    uses Adapter; three results on GLUE accuracy."""
    nodes = [paper("p1", "2023-08-28"), paper("p2", "2023-09"), paper("p3", "2023"), paper("p4", "--03-16"),
             LORA, GLUE, ACC, QA, ADAPTER, result("r1", "85.3%"), result("r2", "87.0 (+1.7)"), result("r3", "n/a")]
    edges = [
        ("paper/p1", EdgeKind.USES, LORA.id), ("paper/p1", EdgeKind.EVALUATES_ON, GLUE.id),
        ("paper/p1", EdgeKind.MEASURES, ACC.id), ("paper/p2", EdgeKind.USES, LORA.id),
        ("paper/p2", EdgeKind.EVALUATES_ON, GLUE.id), ("paper/p2", EdgeKind.ADDRESSES, QA.id),
        ("paper/p3", EdgeKind.PROPOSES, LORA.id), ("paper/p4", EdgeKind.USES, ADAPTER.id),
        ("paper/p1", EdgeKind.REPORTS, "result/r1"), ("result/r1", EdgeKind.OF_METHOD, LORA.id),
        ("result/r1", EdgeKind.ON_DATASET, GLUE.id), ("result/r1", EdgeKind.FOR_METRIC, ACC.id),
        ("paper/p2", EdgeKind.REPORTS, "result/r2"), ("result/r2", EdgeKind.ON_DATASET, GLUE.id),
        ("result/r2", EdgeKind.FOR_METRIC, ACC.id),
        ("paper/p4", EdgeKind.REPORTS, "result/r3"), ("result/r3", EdgeKind.OF_METHOD, ADAPTER.id),
        ("result/r3", EdgeKind.ON_DATASET, GLUE.id), ("result/r3", EdgeKind.FOR_METRIC, ACC.id),
    ]
    return to_networkx(_graph(nodes, edges))


def test_pagerank_and_degree_match_the_hand_solution():
    # p1 -> A, p2 -> A, p1 -> B; A and B are dangling, their rank is spread evenly. With x = PR(p1) = PR(p2):
    # A = x + 0.85 * (x/2 + x) = 2.275x, B = x + 0.85 * x/2 = 1.425x, 5.7x = 1: A = 0.399123, B = 0.25.
    a, b = entity(NodeKind.METHOD, "A"), entity(NodeKind.DATASET, "B")
    graph = to_networkx(_graph([paper("p1"), paper("p2"), a, b], [
        ("paper/p1", EdgeKind.USES, a.id), ("paper/p2", EdgeKind.USES, a.id),
        ("paper/p1", EdgeKind.EVALUATES_ON, b.id)]))
    rows = entity_centrality(graph)
    assert [(r.id, r.kind, r.degree, r.papers) for r in rows] == [("method/a", "Method", 2, 2),
                                                                 ("dataset/b", "Dataset", 1, 1)]
    assert rows[0].pagerank == pytest.approx(2.275 / 5.7, abs=1e-5)
    assert rows[1].pagerank == pytest.approx(0.25, abs=1e-5)


def test_degree_counts_distinct_neighbours_and_papers_only_direct_mentions(small):
    rows = {r.id: r for r in entity_centrality(small)}
    # LoRA: p1, p2, p3 and result r1 link to it.
    assert (rows[LORA.id].degree, rows[LORA.id].papers) == (4, 3)
    # GLUE: p1, p2 and the three results.
    assert (rows[GLUE.id].degree, rows[GLUE.id].papers) == (5, 2)
    assert set(rows) == {LORA.id, GLUE.id, ACC.id, QA.id, ADAPTER.id}


def test_cooccurrence_counts_papers_naming_both(small):
    assert [(r.first_label, r.second_label, r.papers, r.paper_ids) for r in
            cooccurrence(small, NodeKind.METHOD, NodeKind.DATASET)] == [
        ("LoRA", "GLUE", 2, ("paper/p1", "paper/p2"))]
    assert [(r.first_label, r.second_label, r.papers) for r in cooccurrence(small, "Method", "Task")] == [
        ("LoRA", "QA", 1)]
    assert cooccurrence(small, NodeKind.METHOD, NodeKind.DATASET, min_papers=3) == []
    with pytest.raises(ValueError, match="two different entity kinds"):
        cooccurrence(small, NodeKind.METHOD, NodeKind.METHOD)
    with pytest.raises(ValueError, match="not Paper"):
        cooccurrence(small, NodeKind.METHOD, NodeKind.PAPER)


def test_mentions_over_time_counts_only_dates_that_state_the_period(small):
    by_month = {r.id: (r.counts, r.undated) for r in mentions_over_time(small, granularity="month")}
    # p3 has only a year: undated by month. p4 ("--03-16") has no year at all: undated by month and by year.
    assert by_month[LORA.id] == ((("2023-08", 1), ("2023-09", 1)), 1)
    assert by_month[ADAPTER.id] == ((), 1)
    by_year = {r.id: (r.counts, r.undated) for r in mentions_over_time(small, granularity="year")}
    assert by_year[LORA.id] == ((("2023", 3),), 0)
    assert by_year[ADAPTER.id] == ((), 1)
    assert [r.id for r in mentions_over_time(small, entities=[GLUE.id])] == [GLUE.id]
    with pytest.raises(KeyError, match="method/unknown"):
        mentions_over_time(small, entities=["method/unknown"])


def test_date_periods_and_bad_dates():
    assert [date_period(d, "month") for d in ("2023-08-28", "2023-08", "2023", "--03-16", "--03", None)] == [
        "2023-08", "2023-08", None, None, None, None]
    assert [date_period(d, "year") for d in ("2023-08-28", "2023", "--03-16")] == ["2023", "2023", None]
    with pytest.raises(ValueError, match=r"date '28/08/2023' is not an ISO date"):
        date_period("28/08/2023", "year")
    with pytest.raises(ValueError, match="granularity must be 'year' or 'month', not 'week'"):
        date_period("2023", "week")  # type: ignore[arg-type]


def test_a_malformed_paper_date_names_the_paper():
    graph = to_networkx(_graph([paper("bad", "Aug 2023"), LORA], [("paper/bad", EdgeKind.USES, LORA.id)]))
    with pytest.raises(ValueError, match="paper paper/bad: date 'Aug 2023' is not an ISO date"):
        mentions_over_time(graph)


def test_leaderboard_ranks_by_the_number_and_keeps_the_text(small):
    rows = [(r.dataset, r.metric, r.rank, r.value_text, r.value, r.method, r.paper_id, r.lower_is_better)
            for r in leaderboard(small)]
    assert rows == [
        ("GLUE", "accuracy", 1, "87.0 (+1.7)", 87.0, None, "p2", False),
        ("GLUE", "accuracy", 2, "85.3%", 85.3, "LoRA", "p1", False),
        ("GLUE", "accuracy", 3, "n/a", None, "Adapter", "p4", False),  # no number: last
    ]


def test_value_parsing_and_metric_direction():
    assert [parse_value(t) for t in ("85.3%", "1,024 tokens", "\u22122.5", ".5", "3.5x", "top-1", "none")] == [
        85.3, 1024.0, -2.5, 0.5, 3.5, 1.0, None]
    assert [lower_is_better(m) for m in ("error rate", "WER", "perplexity", "FID", "accuracy", "top-1", "mAP")] == [
        True, True, True, True, False, False, False]


def test_louvain_splits_two_clusters_joined_by_one_edge_and_repeats():
    # Two groups of two papers naming the same two entities; one paper of the first also uses the second method.
    m1, d1, m2, d2 = (entity(NodeKind.METHOD, "M1"), entity(NodeKind.DATASET, "D1"), entity(NodeKind.METHOD, "M2"),
                      entity(NodeKind.DATASET, "D2"))
    edges = [(f"paper/{p}", kind, e.id) for p, pairs in (("a1", (m1, d1)), ("a2", (m1, d1)), ("b1", (m2, d2)),
                                                          ("b2", (m2, d2)))
             for kind, e in zip((EdgeKind.USES, EdgeKind.EVALUATES_ON), pairs, strict=True)]
    edges.append(("paper/a1", EdgeKind.USES, m2.id))
    graph = to_networkx(_graph([paper("a1"), paper("a2"), paper("b1"), paper("b2"), m1, d1, m2, d2], edges))
    groups = communities(graph, seed=0)
    assert [(c.index, c.size, c.papers, c.members) for c in groups] == [
        (1, 4, 2, ("dataset/d1", "method/m1", "paper/a1", "paper/a2")),
        (2, 4, 2, ("dataset/d2", "method/m2", "paper/b1", "paper/b2")),
    ]
    assert groups[1].top_entities == ("M2", "D2")  # M2 has three neighbours, D2 two
    assert communities(graph, seed=0) == groups


# --- the seed corpus -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_graph(seed_build):
    from kgbuild.sinks import folder_graph

    return to_networkx(folder_graph(seed_build[0]))


def test_seed_entity_papers_equal_the_support_the_build_counted(seed_graph):
    rows = {r.id: r for r in entity_centrality(seed_graph)}
    assert len(rows) == 2673
    assert {r.id: r.papers for r in rows.values()} == {n: seed_graph.nodes[n]["papers"] for n in rows}
    # ImageNet: 17 papers, 10 claims and 6 results link to it.
    assert (rows["dataset/imagenet"].degree, rows["dataset/imagenet"].papers) == (33, 17)
    assert sum(r.pagerank for r in rows.values()) < 1.0  # papers, claims and results hold the rest


def test_seed_neural_architecture_search_and_imagenet(seed_graph):
    # Hand-checked: each of these five abstracts names both (NAS or "neural architecture search", and ImageNet).
    top = cooccurrence(seed_graph, NodeKind.METHOD, NodeKind.DATASET)[0]
    assert (top.first_label, top.second_label, top.paper_ids) == (
        "Neural Architecture Search", "ImageNet",
        ("paper/hash:57d28f9b0133d9be", "paper/hash:5d87816f3db2d176", "paper/hash:838a182d7ce318f4",
         "paper/hash:98c5f22734a35552", "paper/hash:99d4946fd45c8979"))
    # Of ImageNet's 17 papers one is dated: "Trained Rank Pruning for Efficient Deep Neural Networks", 2018-12-06.
    [trend] = mentions_over_time(seed_graph, granularity="year", entities=["dataset/imagenet"])
    assert (trend.counts, trend.undated) == ((("2018", 1),), 16)


def test_seed_leaderboard_of_nasnet(seed_graph):
    # "Learning Transferable Architectures for Scalable Image Recognition": "On CIFAR-10 itself, NASNet achieves
    # 2.4% error rate" and "the Faster-RCNN framework surpass state-of-the-art by 4.0% achieving 43.1% mAP on COCO".
    rows = [(r.dataset, r.metric, r.rank, r.value_text, r.method, r.lower_is_better)
            for r in leaderboard(seed_graph) if r.paper_id == "hash:b556ccea54cbc1fd" and r.dataset != "ImageNet"]
    assert rows == [
        ("CIFAR-10", "error rate", 1, "2.4%", "NASNet", True),
        ("COCO", "mAP", 2, "43.1%", "Faster-RCNN framework", False),  # behind another paper's 62.2
        ("COCO", "mAP", 3, "4.0%", "Faster-RCNN framework", False),
    ]


def test_seed_communities_partition_the_graph_deterministically(seed_graph):
    groups = communities(seed_graph, seed=0)
    members = [n for c in groups for n in c.members]
    assert sorted(members) == sorted(seed_graph.nodes)
    assert [c.size for c in groups] == sorted((c.size for c in groups), reverse=True)
    assert communities(seed_graph, seed=0) == groups
