"""Graph analytics: exact values on small graphs worked out by hand, and on the build of the hand-made corpus
(tests/handmade.py)."""

from __future__ import annotations

import pytest
from handmade import (
    DETR_PAPER,
    ENTITY_KEYS,
    LORA_PAPER,
    MT_PAPER,
    NYSTROM_PAPER,
    PRUNING_PAPER,
    QA_PAPER,
    VIT_PAPER,
    WMT14,
)

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


def test_a_relative_result_never_ranks_as_a_score(tmp_path):
    # On GLUE accuracy: p1's LoRA scores 85.3%, p2 says Adapter beats LoRA by 1.7 points (a margin, not a score).
    margin = Node("result/r2", NodeKind.RESULT, "1.7 points", {"value": "1.7 points", "number": 1.7, "unit": "points",
                                                               "result_kind": "relative", "compared_to": "LoRA"})
    score = Node("result/r1", NodeKind.RESULT, "85.3%", {"value": "85.3%", "number": 85.3, "unit": "%",
                                                        "result_kind": "absolute"})
    edges = [("paper/p1", EdgeKind.REPORTS, score.id), (score.id, EdgeKind.OF_METHOD, LORA.id),
             (score.id, EdgeKind.ON_DATASET, GLUE.id), (score.id, EdgeKind.FOR_METRIC, ACC.id),
             ("paper/p2", EdgeKind.REPORTS, margin.id), (margin.id, EdgeKind.OF_METHOD, ADAPTER.id),
             (margin.id, EdgeKind.ON_DATASET, GLUE.id), (margin.id, EdgeKind.FOR_METRIC, ACC.id)]
    graph = to_networkx(_graph([paper("p1"), paper("p2"), LORA, ADAPTER, GLUE, ACC, score, margin], edges))
    assert [(r.dataset, r.metric, r.rank, r.value_text, r.value, r.method) for r in leaderboard(graph)] == [
        ("GLUE", "accuracy", 1, "85.3%", 85.3, "LoRA")]
    # The report's leaderboard is the same: one row, and no margin among its scores.
    from kgbuild.export.report import write_report

    summary = write_report(graph, tmp_path / "report", title="margins")
    assert summary.leaderboard_rows == 1
    board = (tmp_path / "report" / "data" / "leaderboard.csv").read_text(encoding="utf-8")
    assert "85.3%" in board and "1.7 points" not in board


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


# --- the hand-made corpus, as the build flow writes it (tests/handmade.py) -------------------------------------


@pytest.fixture(scope="module")
def built(handmade_build):
    from kgbuild.sinks import folder_graph

    return to_networkx(folder_graph(handmade_build[0]))


def test_entity_papers_equal_the_support_the_build_counted(built):
    rows = {r.id: r for r in entity_centrality(built)}
    assert sorted(rows) == sorted(ENTITY_KEYS)
    # Named by several papers: Transformer (1, 4, 5, 6), LoRA (1, 2, 3), RoBERTa (1, 2, 7), accuracy (1, 6, 7),
    # GLUE (1, 7); every other entity by one paper.
    several = {"method/transformer": 4, "method/lora": 3, "method/roberta": 3, "metric/accuracy": 3, "dataset/glue": 2}
    assert {r.id: r.papers for r in rows.values()} == {key: several.get(key, 1) for key in ENTITY_KEYS}
    assert {r.id: r.papers for r in rows.values()} == {n: built.nodes[n]["papers"] for n in rows}
    # LoRA: 3 papers, 5 claims about it (1: 2, 2: 2, 3: 1) and 2 results of it (82.1%, 91.3).
    assert (rows["method/lora"].degree, rows["method/lora"].papers) == (10, 3)
    # Transformer: 4 papers, and only Nyströmformer's finding is about it; no result names it.
    assert (rows["method/transformer"].degree, rows["method/transformer"].papers) == (5, 4)
    # GLUE: 2 papers, their 2 findings with a number on it, and those 2 results.
    assert (rows["dataset/glue"].degree, rows["dataset/glue"].papers) == (6, 2)
    assert sum(r.pagerank for r in rows.values()) < 1.0  # papers, claims and results hold the rest


def test_pagerank_puts_the_most_linked_entity_first_and_ranks_symmetric_entities_alike(built):
    rows = entity_centrality(built)
    # LoRA has 10 incoming links (3 papers, 5 claims, 2 results), more than any other entity (accuracy: 9).
    assert rows[0].id == "method/lora"
    # COCO and mAP are linked alike (by DETR's paper, its finding naming 4 entities and its result naming 3), and so
    # are ImageNet and top-1 accuracy (by ScaLoRA's): the same rank; the two papers differ (11 and 10 outgoing links).
    rank = {r.id: r.pagerank for r in rows}
    assert rank["dataset/coco"] == pytest.approx(rank["metric/map"], rel=1e-9)
    assert rank["dataset/imagenet"] == pytest.approx(rank["metric/top-1-accuracy"], rel=1e-9)
    assert rank["dataset/coco"] != pytest.approx(rank["dataset/imagenet"], rel=1e-6)


def test_method_dataset_pairs_and_trends(built):
    pairs = cooccurrence(built, NodeKind.METHOD, NodeKind.DATASET)
    # Per paper, its methods times its datasets: 3 + 3 + 3 + 3 + 2 + 2 + 2, RoBERTa-GLUE twice (papers 1 and 7).
    assert len(pairs) == 17
    assert [(r.first_label, r.second_label, r.papers, r.paper_ids) for r in pairs[:2]] == [
        ("RoBERTa", "GLUE", 2, (f"paper/{LORA_PAPER}", f"paper/{PRUNING_PAPER}")),
        ("DETR", "COCO", 1, (f"paper/{DETR_PAPER}",))]
    assert [(r.first_label, r.second_label) for r in cooccurrence(built, "Method", "Dataset", min_papers=2)] == [
        ("RoBERTa", "GLUE")]
    # LoRA's papers: 2021-06-17, 2023-11 and 2024 (a year: undated by month).
    [lora] = mentions_over_time(built, granularity="month", entities=["method/lora"])
    assert (lora.counts, lora.undated) == ((("2021-06", 1), ("2023-11", 1)), 1)
    # Transformer's: 2020-05, 2021-06-17, 2021 and one without a date.
    [transformer] = mentions_over_time(built, granularity="year", entities=["method/transformer"])
    assert (transformer.counts, transformer.undated) == ((("2020", 1), ("2021", 2)), 1)


def test_leaderboard_of_the_results_with_a_dataset_and_a_metric(built):
    rows = [(r.dataset, r.metric, r.rank, r.value_text, r.value, r.method, r.paper_id) for r in leaderboard(built)]
    # Eight of the ten results name both (not 3x and 3.2 times); grouped by dataset and metric.
    assert rows == [
        ("COCO", "mAP", 1, "42.0", 42.0, "DETR", DETR_PAPER),
        ("GLUE", "accuracy", 1, "82.1%", 82.1, "LoRA", LORA_PAPER),
        ("GLUE", "accuracy", 2, "80.4%", 80.4, "RoBERTa", PRUNING_PAPER),
        ("ImageNet", "top-1 accuracy", 1, "85.2%", 85.2, "ScaLoRA", VIT_PAPER),
        ("Long Range Arena", "accuracy", 1, "58.9%", 58.9, "Nyströmformer", NYSTROM_PAPER),
        ("SQuAD", "F1 score", 1, "91.3", 91.3, "LoRA", QA_PAPER),
        ("SQuAD", "F1 score", 2, "90.8", 90.8, "adapter tuning", QA_PAPER),
        (WMT14, "BLEU", 1, "27.9", 27.9, None, MT_PAPER),  # the sentence names no method
    ]


def test_communities_partition_the_graph_deterministically(built):
    groups = communities(built, seed=0)
    members = [n for c in groups for n in c.members]
    assert sorted(members) == sorted(built.nodes)
    assert [c.size for c in groups] == sorted((c.size for c in groups), reverse=True)
    assert communities(built, seed=0) == groups
    # DETR's paper names nothing another paper names but the Transformer (shared by four papers): its paper, claims,
    # results and its own entities are one community.
    [detr] = [c for c in groups if "method/detr" in c.members]
    assert (detr.papers, detr.top_entities[:3]) == (1, ("DETR", "COCO", "Faster R-CNN"))
    assert set(detr.members) == {
        f"paper/{DETR_PAPER}", "method/detr", "method/faster-r-cnn", "dataset/coco", "metric/map",
        "task/object-detection", *(f"claim/{DETR_PAPER}/abstract/{span}" for span in ("0-72", "146-221", "222-279")),
        *(f"result/{DETR_PAPER}/abstract/{span}" for span in ("169-173", "242-244"))}
