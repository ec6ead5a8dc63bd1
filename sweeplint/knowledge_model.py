"""The knowledge base as data: hyperparameter families and their plausibility limits, interactions,
optimizers, and how a parameter name is matched to its family.

`sweeplint.knowledge` loads and validates it from the shipped files and the user's extensions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

from sweeplint.records import field, record
from sweeplint.schedules import Schedules

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

KINDS = (
    "scale", "architecture", "optimizer-choice", "optimizer", "regularizer-strength", "regularizer-toggle",
    "schedule", "training-length", "batch", "seed", "activation", "normalization", "data", "feature-toggle",
    "resource",
)
ROLES = ("scientific", "nuisance", "fixed")
FAMILY_KEYS = ("aliases", "suffixes", "prefixes", "tokens", "not_with", "kind", "log_scale", "integer", "role",
               "conditional_on", "label", "plausible", "doubles_as")
# A plausibility limit: the comparison it states ("values above 0") and what a violation costs.
# `useful_from` is about a log-scale range: most of its decades lie below the smallest value that has
# an effect (a weight decay of 1e-12 is no weight decay), so most trials test "nothing".
LIMIT_OPS = ("above", "at_least", "below", "at_most", "not_within", "useful_from")
LIMIT_KEYS = LIMIT_OPS + ("severity", "optimizers", "exact", "why")
LOWER_OPS = frozenset({"above", "at_least"})
EXTENSION_KEYS = ("families", "interactions", "optimizers", "decoupled_weight_decay", "files")
# A last name segment that says nothing by itself: `optimizer.name` is named by `optimizer`.
GENERIC_LEAVES = frozenset({"name", "type", "kind", "target", "class", "cls", "choice", "id", "value", "which"})


@record(frozen=True, slots=True)
class Limit:
    """One plausibility limit of a family, e.g. "a learning rate is above 0".

    `not_within` (with `upper`) is about a whole parameter: its values all lie in [limit, upper].
    `useful_from` is about a log-scale range: more than half of its decades below the limit.
    `optimizers` (names or groups) restricts the limit to studies whose optimizer is one of them.
    """

    op: str
    limit: float
    why: str
    severity: str = "warning"
    upper: float | None = None
    optimizers: tuple[str, ...] = ()
    exact: bool = False                   # holds only for the family's own aliases, not compound names

    @property
    def lower(self) -> bool:
        """Whether the limit bounds values from below (so a parameter's smallest value is the test)."""
        return self.op in LOWER_OPS

    def allows(self, value: float) -> bool:
        if self.op == "above":
            return value > self.limit
        if self.op == "at_least":
            return value >= self.limit
        if self.op == "below":
            return value < self.limit
        if self.op == "at_most":
            return value <= self.limit
        if self.op == "useful_from":
            return True  # a single value is not judged; a log range is (useful_share)
        return not (self.limit <= value <= (self.upper if self.upper is not None else self.limit))

    def useless_share(self, low: float, high: float) -> float:
        """For `useful_from`: the share of a log range [low, high] that lies below the limit."""
        if not 0 < low < high:
            return 0.0
        return max(0.0, min(1.0, math.log(self.limit / low) / math.log(high / low)))

    def describe(self) -> str:
        """The plausible values in words: "above 0", "at most 1"."""
        if self.op == "not_within":
            return f"not confined to {self.limit:g} .. {self.upper:g}"
        if self.op == "useful_from":
            return f"with an effect from about {self.limit:g}"
        return f"{self.op.replace('_', ' ')} {self.limit:g}"


@record(frozen=True, slots=True)
class Family:
    """A hyperparameter family: the names that mean it and what is known about it."""

    name: str
    kind: str
    role: str
    log_scale: bool = False
    aliases: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    conditional_on: tuple[str, ...] = ()
    label: str = ""
    prefixes: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()          # words that name the family inside a compound name
    not_with: tuple[str, ...] = ()        # words that make such a compound name something else
    integer: bool = False                 # values are counts: a fractional value makes no sense
    plausible: tuple[Limit, ...] = ()
    doubles_as: str = ""                  # a family whose role it may play when a sweep has none of that family

    @property
    def title(self) -> str:
        """How messages name the family ("learning rate", "model depth")."""
        return self.label or self.name.replace("_", " ")


@record(frozen=True, slots=True)
class Interaction:
    """Two families whose best values depend on each other, and why."""

    a: str
    b: str
    why: str = ""

    def reason(self, fixed: str, varied: str, kb: Knowledge) -> str:
        """Why fixing `fixed` while `varied` changes spoils the comparison."""
        if self.why and fixed == self.a:
            return self.why
        fam_f, fam_v = kb.families.get(fixed), kb.families.get(varied)
        f = fam_f.title if fam_f else fixed
        v = fam_v.title if fam_v else varied
        return f"the best {f} depends on the {v}"


@lru_cache(maxsize=4096)  # pure, and asked of the same few names by many rules on every file
def normalise(name: str) -> str:
    """The part of a dotted parameter name that identifies it: last segment, lower case, `-` as `_`."""
    leaf = name.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    return leaf.strip().lower().replace("-", "_").lstrip("_") or leaf.strip().lower()


def _segments(name: str) -> list[str]:
    return [s for s in name.replace("/", ".").split(".") if s.strip()]


def _identifying_leaf(name: str) -> str | None:
    """The normalised segment that names a parameter: the last one, or the one before a generic last
    segment (`optimizer.name`, `model._target_`)."""
    segments = _segments(name)
    if not segments:
        return None
    leaf = normalise(segments[-1])
    if leaf.strip("_") in GENERIC_LEAVES and len(segments) > 1:
        leaf = normalise(segments[-2])
    return leaf


def _holds(words: list[str], token: tuple[str, ...]) -> bool:
    """Whether the word sequence `token` occurs in `words` as consecutive whole words."""
    n = len(token)
    return any(tuple(words[i:i + n]) == token for i in range(len(words) - n + 1))


def optimizer_key(value: Any) -> str | None:
    """An optimizer value as the knowledge base spells it: `torch.optim.AdamW` -> `adamw`."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rsplit(".", 1)[-1].lower().replace("-", "_")


@record
class Knowledge:
    """The knowledge base: families, interactions, optimizers and schedules."""

    families: dict[str, Family] = field(default_factory=dict)
    interactions: dict[frozenset, Interaction] = field(default_factory=dict)
    optimizers: dict[str, str] = field(default_factory=dict)   # name -> group
    decoupled: set[str] = field(default_factory=set)             # optimizers with decoupled weight decay
    schedules: Schedules = field(default_factory=Schedules)     # learning-rate schedules and their settings
    _exact: dict[str, str] = field(default_factory=dict)
    _suffixes: list[tuple[str, str]] = field(default_factory=list)
    _prefixes: list[tuple[str, str]] = field(default_factory=list)
    _tokens: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    # `_family_of`, name -> its family (rules ask about the same few names thousands of times per
    # run), is an attribute set on first use, not a field: no part of the repr or the equality.

    def add_family(self, family: Family) -> None:
        self.add_families((family,))

    def add_families(self, families: Iterable[Family]) -> None:
        """Add (or replace) families; the indexes of suffixes, prefixes and tokens are rebuilt once
        for them all (per family, the shipped files' forty rebuilt them forty times)."""
        self._family_of: dict[str, Family | None] = {}
        for family in families:
            self.families[family.name] = family
            for alias in family.aliases:
                self._exact[normalise(alias)] = family.name
        self._suffixes = sorted(
            ((s.lower().replace("-", "_"), f.name) for f in self.families.values() for s in f.suffixes),
            key=lambda pair: -len(pair[0]),
        )
        self._prefixes = sorted(
            ((s.lower().replace("-", "_"), f.name) for f in self.families.values() for s in f.prefixes),
            key=lambda pair: -len(pair[0]),
        )
        self._tokens = [(tuple(t.split("_")), f.name) for f in self.families.values() for t in f.tokens]

    def family_of(self, name: str) -> Family | None:
        """The family a parameter name belongs to; exact aliases win over suffixes.

        Only the last segment of a dotted name counts, unless it is generic (`optimizer.name`,
        `model._target_`): then the segment before it names the parameter.
        """
        try:
            return self._family_of[name]
        except KeyError:
            found = self._family_of[name] = self._match_family(name)
            return found
        except AttributeError:  # no family added yet
            self._family_of = {}
            return self.family_of(name)

    def _match_family(self, name: str) -> Family | None:
        leaf = _identifying_leaf(name)
        if leaf is None:
            return None
        exact = self._exact.get(leaf)
        if exact is not None:
            return self.families[exact]
        for suffix, family in self._suffixes:
            if leaf.endswith(suffix) and leaf != suffix.lstrip("_"):
                return self.families[family]
        for prefix, family in self._prefixes:
            if leaf.startswith(prefix) and leaf != prefix.rstrip("_"):
                return self.families[family]
        return self._compound(leaf)

    def is_alias(self, name: str, family: Family) -> bool:
        """Whether a parameter name is one of the family's aliases (not a compound such as `head_lr`)."""
        return self._exact.get(_identifying_leaf(name) or "") == family.name

    def _compound(self, leaf: str) -> Family | None:
        """A compound name holding one family's token as whole words (`lr_backbone`, `wd_head`), unless
        another word says the name is about something else (`lr_decay_style`, `no_wd`)."""
        words = [w for w in leaf.split("_") if w]
        found = {family for token, family in self._tokens if _holds(words, token)}
        if len(found) != 1:
            return None  # no token, or tokens of two families: ambiguous
        family = self.families[found.pop()]
        return None if set(words) & set(family.not_with) else family

    def interact(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.interactions

    def interaction(self, a: str, b: str) -> Interaction | None:
        return self.interactions.get(frozenset((a, b)))

    def partners(self, family: str) -> list[str]:
        """The families that interact with `family`, in a stable order."""
        out = set()
        for pair in self.interactions:
            if family in pair and len(pair) == 2:
                out |= pair - {family}
        return sorted(out)

    def optimizer_name(self, value: Any) -> str | None:
        """The known optimizer a value names (`adamw_torch` -> `adamw`), or None if unknown."""
        key = optimizer_key(value)
        if key is None:
            return None
        if key in self.optimizers:
            return key
        best = None
        for name in self.optimizers:
            if key.startswith(name + "_") and (best is None or len(name) > len(best)):
                best = name
        return best

    def decay_style(self, value: Any) -> str | None:
        """"decoupled" or "coupled" (an L2 term in the gradient) for a known optimizer; None if unknown."""
        name = self.optimizer_name(value)
        if name is None:
            return None
        return "decoupled" if name in self.decoupled else "coupled"

    def optimizer_group(self, value: Any) -> str | None:
        """The group of the optimizer a value names; an unknown name is a group of its own."""
        name = self.optimizer_name(value)
        if name is not None:
            return self.optimizers[name]
        key = optimizer_key(value)
        return f"?{key}" if key else None

    def uses(self, family: Family, optimizer_value: Any) -> bool | None:
        """Whether a parameter of `family` exists under this optimizer value (None: unknown optimizer)."""
        if not family.conditional_on:
            return True
        name = self.optimizer_name(optimizer_value)
        if name is None:
            return None
        return name in family.conditional_on

    def applies(self, limit: Limit, optimizer_values: tuple[Any, ...]) -> bool:
        """Whether a plausibility limit holds in a study whose optimizer takes these values: a limit for
        some optimizers holds only when every value is known to be one of them (names or groups)."""
        if not limit.optimizers:
            return True
        if not optimizer_values:
            return False
        for value in optimizer_values:
            name = self.optimizer_name(value)
            if name is None or (name not in limit.optimizers and self.optimizers[name] not in limit.optimizers):
                return False
        return True
