"""Training the proposal scorer (`kgbuild.extract.proposals`) on the graph-level train gold.

The pipeline runs up to `kgbuild_own_names` on each train gold abstract; every candidate name (a non-generic
method or dataset, all its mentions together) becomes one example: proposed when it names a core gold entity
with the role "proposed", not proposed when it names no proposed gold entity, and no example when it names
only a borderline proposed one (the gold leaves those open).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from kgbuild.evaluation.graph_gold import GraphGoldAbstract
from kgbuild.extract.components import known_name, own_name_inputs
from kgbuild.extract.extractor import joined_text
from kgbuild.extract.proposals import ProposalScorer, proposal_features
from kgbuild.model import EntityType
from kgbuild.names import normalise

OWN_NAMES_COMPONENT = "kgbuild_own_names"


def proposal_examples(nlp: Language, golds: Sequence[GraphGoldAbstract]
                      ) -> list[tuple[dict[str, float], bool, str]]:
    """(features, proposed, abstract id) for every candidate name of every abstract."""
    upstream = nlp.pipe_names[:nlp.pipe_names.index(OWN_NAMES_COMPONENT)]
    examples = []
    with nlp.select_pipes(enable=upstream):
        for gold, doc in zip(golds, nlp.pipe(joined_text("", g.text) for g in golds), strict=True):
            _, sentences, mentions, title_end = own_name_inputs(doc)
            own = [g for g in gold.entities if g.role == "proposed"]
            for members, f in proposal_features(doc.text, sentences, mentions, title_end, known_name).values():
                kind = EntityType(mentions[members[0]].type)
                forms = {normalise(x, kind) for i in members for x in (mentions[i].text, mentions[i].name) if x}
                hits = [g for g in own if g.accepts(kind) and forms & {normalise(x, g.type) for x in g.forms}]
                if any(g.core for g in hits):
                    examples.append((f, True, gold.id))
                elif not hits:
                    examples.append((f, False, gold.id))
    return examples


def train_proposal_scorer(nlp: Language, golds: Sequence[GraphGoldAbstract], threshold: float,
                          l2: float = 1.0) -> ProposalScorer:
    scorer = ProposalScorer.fit([(f, label) for f, label, _ in proposal_examples(nlp, golds)], l2=l2)
    scorer.threshold = threshold
    return scorer
