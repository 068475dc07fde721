"""Training the node classifier (`kgbuild_node_classifier`) on the graph-level train gold.

The pipeline runs up to the node classifier on each train gold abstract; every entity it proposes (model
mention or lexicon candidate) becomes one example, labelled by the gold: the type of the core gold entity it
names (its own type when the gold accepts that one), "none" when it names no gold entity, and no example at
all when it names only a borderline one (the gold leaves those open).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Span

from kgbuild.evaluation.graph_gold import GoldEntity, GraphGoldAbstract
from kgbuild.extract.extractor import joined_text
from kgbuild.extract.nodes import MentionView, NodeClassifier, node_features
from kgbuild.model import EntityType
from kgbuild.names import normalise

NODE_COMPONENT = "kgbuild_node_classifier"


def _label(ent: Span, view: MentionView, golds: Sequence[GoldEntity]) -> str | None:
    forms = {ent.text, view.name} | ({ent._.name} if ent._.name else set())
    kind = EntityType(ent.label_)
    hits = [g for g in golds if {normalise(f, g.type) for f in forms} & {normalise(f, g.type) for f in g.forms}]
    core = [g for g in hits if g.core]
    if core:
        return next((kind.value for g in core if g.accepts(kind)), core[0].type.value)
    return None if hits else "none"


def node_examples(nlp: Language, golds: Sequence[GraphGoldAbstract]) -> list[tuple[dict[str, float], str, str]]:
    """(features, label, abstract id) for every entity the pipeline proposes before its node classifier."""
    decider = nlp.get_pipe(NODE_COMPONENT)
    upstream = [name for name in nlp.pipe_names[:nlp.pipe_names.index(NODE_COMPONENT)]]
    examples = []
    with nlp.select_pipes(enable=upstream):
        for gold, doc in zip(golds, nlp.pipe(joined_text("", g.text) for g in golds), strict=True):
            for ent, view in decider.views(doc):
                label = _label(ent, view, gold.entities)
                if label is not None:
                    examples.append((node_features(view, decider.lexicon), label, gold.id))
    return examples


def train_node_classifier(nlp: Language, golds: Sequence[GraphGoldAbstract], l2: float = 1.0) -> NodeClassifier:
    return NodeClassifier.fit([(f, label) for f, label, _ in node_examples(nlp, golds)], l2=l2)
