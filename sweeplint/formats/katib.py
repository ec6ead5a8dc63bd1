"""Kubeflow Katib `Experiment` resources (v1beta1 and the older v1alpha3/v1alpha2 API versions).

Katib writes every number of a search space as a string (`min: "0.01"`) and converts it itself, so
the reader parses those strings into numbers and the study's loader is "katib": the YAML 1.1 string
trap (SL005) does not apply. A Kubernetes file may hold several documents; each Experiment is a study.
"""

from __future__ import annotations

import difflib

from sweeplint.formats import ReadContext
from sweeplint.formats.katib_template import TrialTemplateReading
from sweeplint.formats.nodes import Collector, key_text, lit, text_of, type_name
from sweeplint.model import (
    EarlyStopping,
    KeyRef,
    Lit,
    Method,
    MethodKind,
    Objective,
    Parameter,
    Problem,
    Space,
    Span,
    SpaceShape,
    Study,
)
from sweeplint.records import replace
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

# An enum member looked up on its class (`Space.INT`) takes EnumType's slow path, some ten times a
# global's cost; the code run for every parameter uses these.
_CONSTANT, _CATEGORICAL, _NORMAL = Space.CONSTANT, Space.CATEGORICAL, Space.NORMAL
_INT, _QUANTIZED, _UNIFORM = Space.INT, Space.QUANTIZED, Space.UNIFORM

# The suggestion services Katib ships (katib-config `suggestions`), and what kind of search each is.
ALGORITHMS = {
    "random": MethodKind.RANDOM,
    "sobol": MethodKind.RANDOM,
    "grid": MethodKind.GRID,
    "tpe": MethodKind.MODEL_BASED,
    "multivariate-tpe": MethodKind.MODEL_BASED,
    "bayesianoptimization": MethodKind.MODEL_BASED,
    "cmaes": MethodKind.MODEL_BASED,
    "hyperband": MethodKind.BANDIT,
    "pbt": MethodKind.BANDIT,
    "enas": MethodKind.OTHER,
    "darts": MethodKind.OTHER,
}
EARLY_STOPPING = ("medianstop",)
PARAMETER_TYPES = ("double", "int", "discrete", "categorical")
DISTRIBUTIONS = ("uniform", "logUniform", "normal", "logNormal")

SPEC_KEYS = (
    "parameters", "objective", "algorithm", "earlyStopping", "trialTemplate", "parallelTrialCount",
    "maxTrialCount", "maxFailedTrialCount", "metricsCollectorSpec", "nasConfig", "resumePolicy",
)
PARAMETER_KEYS = ("name", "parameterType", "feasibleSpace")
FEASIBLE_SPACE_KEYS = ("min", "max", "step", "list", "distribution")
OBJECTIVE_KEYS = ("type", "goal", "objectiveMetricName", "additionalMetricNames", "metricStrategies")
ALGORITHM_KEYS = ("algorithmName", "algorithmSettings")
# metricsCollectorSpec (the same shape in v1alpha3 and v1beta1): where the metrics come from, and
# which collector reads them.
COLLECTOR_SPEC_KEYS = ("source", "collector")
COLLECTOR_KEYS = ("kind", "customCollector")
COLLECTOR_KINDS = ("StdOut", "File", "TensorFlowEvent", "PrometheusMetric", "Custom", "None")
SOURCE_KEYS = ("fileSystemPath", "filter", "httpGet")
FILE_SYSTEM_PATH_KEYS = ("path", "kind", "format")
FILTER_KEYS = ("metricsFormat",)

_API_GROUP = "kubeflow.org/"


class KatibReader:
    name = "katib"
    semantics = "yaml1.1"

    def recognise(self, root: Any) -> bool:
        if not isinstance(root, YMap) or text_of(root.get("kind")) != "Experiment":
            return False
        api = text_of(root.get("apiVersion")) or ""
        spec = root.get("spec")
        if not api.startswith(_API_GROUP) or not isinstance(spec, YMap):
            return False
        return sum(spec.get(k) is not None for k in ("parameters", "objective", "algorithm", "trialTemplate", "nasConfig")) >= 2

    def read(self, root: YMap, ctx: ReadContext) -> list[Study]:
        return guarded(self.name, root, ctx, lambda: [_Builder(ctx).study(root)])


READER = KatibReader()


def guarded(name: str, root: Any, ctx: ReadContext, read: Any) -> list[Study]:
    """Run a reader; a bug in it becomes one diagnostic at the document, never a traceback."""
    try:
        return read()
    except RecursionError:
        ctx.problems.append(Problem("SL001", Span.point(root.span.line, root.span.column), "the document is nested too deeply to read"))
    except Exception as exc:  # noqa: BLE001 - a reader bug must not become a traceback
        ctx.problems.append(Problem(
            "SL001", Span.point(root.span.line, root.span.column),
            f"sweeplint could not read this {name} config ({type(exc).__name__}: {exc}); please report this",
        ))
    return []


# --- numbers written as strings --------------------------------------------------------------


def katib_number(node: Any) -> Lit | None:
    """A feasibleSpace number: Katib takes strings and parses them; plain numbers work as well."""
    if not isinstance(node, YScalar):
        return None
    value = node.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Lit(value, node.span, node.text, node.quoted)
    if isinstance(value, str):
        text = value.strip()
        try:
            # (int() rejects every text with a point or an exponent: not tried there, where it
            # raised for most numbers Katib configs hold, "0.01")
            parsed: int | float = float(text) if "." in text or "e" in text or "E" in text else int(text)
        except ValueError:
            try:
                parsed = float(text)
            except ValueError:
                return None
        return Lit(parsed, node.span, node.text, node.quoted)
    return None


# --- the Experiment --------------------------------------------------------------------------


KNOWN_APIS = (_API_GROUP + "v1beta1", _API_GROUP + "v1alpha3")


class _Builder(TrialTemplateReading, Collector):
    def __init__(self, ctx: ReadContext):
        super().__init__()
        self.ctx = ctx

    def study(self, root: YMap) -> Study:
        spec: YMap = root.get("spec")
        api = text_of(root.get("apiVersion")) or ""
        if api == _API_GROUP + "v1beta1":
            self.check_keys(spec, SPEC_KEYS, "the Experiment spec")
        if api in KNOWN_APIS:
            self.metrics_collector(spec.get("metricsCollectorSpec"))
        else:
            # kubeflow.org/v1 holds training jobs (TFJob, PyTorchJob), not Experiments.
            self.problem(root.get("apiVersion"), f"Katib has no Experiment in {api!r}; Experiments are "
                                                 f"{_API_GROUP}v1beta1, so the cluster rejects this one")
        metadata = root.get("metadata")
        name = text_of(metadata.get("name")) if isinstance(metadata, YMap) else None
        parameters = self.parameters(spec.get("parameters"))
        template = spec.get("trialTemplate")
        command: tuple[Lit, ...] = ()
        command_span = None
        trial_template = None
        if isinstance(template, YMap):
            trial_template = self.trial_parameters(template)
            found = self.trial_command(template)
            if found is not None:
                command, command_span = found
        budget = spec.get("maxTrialCount")
        if budget is not None and not (isinstance(budget, YScalar) and isinstance(budget.value, int)
                                       and not isinstance(budget.value, bool) and budget.value > 0):
            self.problem(budget, f"maxTrialCount must be a positive integer, not {type_name(budget)}")
        elif budget is not None:
            for key in ("parallelTrialCount", "maxFailedTrialCount"):
                other = spec.get(key)
                if isinstance(other, YScalar) and isinstance(other.value, int) and not isinstance(other.value, bool) \
                        and other.value > budget.value:
                    self.problem(other, f"{key} ({other.value}) is larger than maxTrialCount ({budget.value}); "
                                        "Katib rejects the Experiment")
        method = self.algorithm(spec.get("algorithm"))
        if method is not None and method.name == "hyperband":
            parameters = self.hyperband_resource(method, parameters)
        return Study(
            format="katib",
            loader="katib",
            span=root.span,
            parameters=tuple(parameters),
            method=method,
            objective=self.with_collector(self.objective(spec.get("objective"), spec.key_node("objective")),
                                          spec.get("metricsCollectorSpec")),
            budget=lit(budget) if budget is not None else None,
            parallel=_count(spec.get("parallelTrialCount")),
            early_stopping=self.early_stopping(spec.get("earlyStopping")),
            command=command,
            command_span=command_span,
            unknown_keys=tuple(self.unknown),
            problems=tuple(self.problems),
            name=name,
            trial_template=trial_template,
        )

    # --- objective, algorithm, early stopping ----------------------------------------------------

    def objective(self, node: Any, key: Any) -> Objective | None:
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.problem(node, f"spec.objective must be a mapping with type and objectiveMetricName, not {type_name(node)}")
            return None
        self.check_keys(node, OBJECTIVE_KEYS, "spec.objective")
        metric = node.get("objectiveMetricName")
        kind = node.get("type")
        if metric is None:
            self.problem(key or node, "spec.objective has no objectiveMetricName; Katib rejects the Experiment")
            return None
        if not isinstance(metric, YScalar):
            self.problem(metric, f"spec.objective.objectiveMetricName must be a metric name, not {type_name(metric)}")
            return None
        goal, goal_span = "minimize", None
        if kind is None:
            self.problem(key or node, "spec.objective has no type (minimize or maximize); Katib rejects the Experiment")
        elif text_of(kind) in ("minimize", "maximize"):
            goal, goal_span = text_of(kind), kind.span
        else:
            self.problem(kind, f"spec.objective.type must be minimize or maximize, not {text_of(kind) or type_name(kind)!r}")
        extra = node.get("additionalMetricNames")
        if isinstance(extra, YSeq):
            for item in extra.items:
                if isinstance(item, YScalar) and item.value == metric.value:
                    self.problem(item, "additionalMetricNames must not repeat the objectiveMetricName; Katib rejects the Experiment")
        return Objective(lit(metric), goal, goal_span, node.span, reduction=_strategy(node.get("metricStrategies"), metric.value))

    def metrics_collector(self, node: Any) -> None:
        """Check the keys of spec.metricsCollectorSpec: Katib drops a key it does not know, so a
        collector kind written one level too high leaves the default collector in place."""
        if not isinstance(node, YMap):
            return
        where = "spec.metricsCollectorSpec"
        for key, _ in node.items():
            if key_text(key) == "kind":
                value = text_of(node.get("kind")) or "StdOut"
                self.problem(key, f"the collector kind belongs under {where}.collector, not directly in {where}; "
                                  "the API server drops or rejects a key its schema does not have, so the default "
                                  f"collector is used: write `collector: {{kind: {value}}}`", code="SL002")
            elif key_text(key) not in COLLECTOR_SPEC_KEYS:
                self.unknown.append(KeyRef(key_text(key), key.span, COLLECTOR_SPEC_KEYS, where))
        collector, source = node.get("collector"), node.get("source")
        if isinstance(collector, YMap):
            self.check_keys(collector, COLLECTOR_KEYS, f"{where}.collector")
            kind = collector.get("kind")
            if isinstance(kind, YScalar) and text_of(kind) not in COLLECTOR_KINDS:
                self.unknown.append(KeyRef(text_of(kind) or kind.text, kind.span, COLLECTOR_KINDS,
                                           f"{where}.collector.kind"))
        if isinstance(source, YMap):
            self.check_keys(source, SOURCE_KEYS, f"{where}.source")
            for key, allowed in (("fileSystemPath", FILE_SYSTEM_PATH_KEYS), ("filter", FILTER_KEYS)):
                if isinstance(source.get(key), YMap):
                    self.check_keys(source.get(key), allowed, f"{where}.source.{key}")

    @staticmethod
    def with_collector(objective: Objective | None, spec: Any) -> Objective | None:
        """The objective with the file a File or TensorFlowEvent collector reads it from."""
        if objective is None or not isinstance(spec, YMap):
            return objective
        node = spec
        for key in ("source", "fileSystemPath", "path"):
            node = node.get(key) if isinstance(node, YMap) else None
        if not isinstance(node, YScalar) or not isinstance(node.value, str):
            return objective
        return replace(objective, source=lit(node))

    def settings(self, node: Any, where: str) -> tuple[tuple[str, Lit], ...]:
        if node is None:
            return ()
        if not isinstance(node, YSeq):
            self.problem(node, f"{where} must be a list of {{name, value}} entries, not {type_name(node)}")
            return ()
        out = []
        for item in node.items:
            if not isinstance(item, YMap) or text_of(item.get("name")) is None:
                self.problem(item, f"each entry of {where} needs a name and a value")
                continue
            self.check_keys(item, ("name", "value"), where)
            value = item.get("value")
            if value is None:
                continue
            out.append((text_of(item.get("name")), katib_number(value) or lit(value)))
        return tuple(out)

    def algorithm(self, node: Any) -> Method | None:
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.problem(node, f"spec.algorithm must be a mapping with algorithmName, not {type_name(node)}")
            return None
        self.check_keys(node, ALGORITHM_KEYS, "spec.algorithm")
        name_node = node.get("algorithmName")
        name = text_of(name_node)
        if name_node is None or not name:
            self.problem(node, "spec.algorithm has no algorithmName; Katib rejects the Experiment")
            return None
        settings = self.settings(node.get("algorithmSettings"), "algorithmSettings")
        if name not in ALGORITHMS:
            close = difflib.get_close_matches(name, ALGORITHMS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(ALGORITHMS)}"
            self.problem(name_node, f"{name!r} is not a Katib suggestion algorithm, so Katib rejects the Experiment; {hint}")
            return Method(name, MethodKind.OTHER, name_node.span, settings)
        return Method(name, ALGORITHMS[name], name_node.span, settings)

    def hyperband_resource(self, method: Method, parameters: list[Parameter]) -> list[Parameter]:
        """Katib's hyperband overwrites the `resource_name` parameter with each rung's budget (from
        `r_l` and `eta`), so that parameter is not searched: its feasibleSpace is never sampled."""
        missing = [k for k in ("r_l", "resource_name") if method.get(k) is None]
        if missing:
            self.problem(method.span, f"the hyperband algorithm needs the algorithmSettings {' and '.join(missing)}; "
                                      "Katib rejects the Experiment")
        resource = method.get("resource_name")
        if resource is None or resource.value not in {p.name for p in parameters}:
            return parameters  # a resource_name naming no parameter is SL405's finding
        return [Parameter(p.name, Space.CONSTANT, p.key_span, p.value_span, distribution="hyperband resource",
                          distribution_span=resource.span, integer=p.integer)
                if p.name == resource.value else p for p in parameters]

    def early_stopping(self, node: Any) -> EarlyStopping | None:
        if node is None:
            return None
        if not isinstance(node, YMap):
            self.problem(node, f"spec.earlyStopping must be a mapping with algorithmName, not {type_name(node)}")
            return None
        self.check_keys(node, ALGORITHM_KEYS, "spec.earlyStopping")
        name_node = node.get("algorithmName")
        name = text_of(name_node) or ""
        if name not in EARLY_STOPPING:
            self.problem(name_node or node, f"spec.earlyStopping.algorithmName must be {' or '.join(EARLY_STOPPING)}, not {name!r}")
        return EarlyStopping(name, self.settings(node.get("algorithmSettings"), "earlyStopping.algorithmSettings"), node.span)

    # --- parameters ----------------------------------------------------------------------------

    def parameters(self, node: Any) -> list[Parameter]:
        if node is None:
            return []
        if not isinstance(node, YSeq):
            self.problem(node, f"spec.parameters must be a list of parameters, not {type_name(node)}")
            return []
        out = []
        for item in node.items:
            param = self.parameter(item)
            if param is not None:
                out.append(param)
        return out

    def parameter(self, item: Any) -> Parameter | None:
        if not isinstance(item, YMap):
            self.problem(item, f"each entry of spec.parameters must be a mapping with name, parameterType and feasibleSpace, not {type_name(item)}")
            return None
        name_node = item.get("name")
        name = text_of(name_node)
        if name is None:
            self.problem(item, "a parameter in spec.parameters has no name")
            return None
        where = f"parameter {name!r}"
        self.check_keys(item, PARAMETER_KEYS, where)
        kind_node = item.get("parameterType")
        kind = text_of(kind_node)
        space_node = item.get("feasibleSpace")
        shape = None  # (set once the feasibleSpace is known)

        def unknown() -> Parameter:  # made only when the entry cannot be read: most can
            return Parameter(name, Space.UNKNOWN, name_node.span, item.span, shape=shape)

        if kind not in PARAMETER_TYPES:
            if kind_node is None:
                self.problem(name_node, f"{where} has no parameterType (double, int, discrete or categorical)")
            else:
                close = difflib.get_close_matches(kind or "", PARAMETER_TYPES, n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problem(kind_node, f"{where}: parameterType must be double, int, discrete or categorical, not {kind or type_name(kind_node)!r}{hint}")
            return unknown()
        if not isinstance(space_node, YMap) or not space_node.pairs:
            self.problem(space_node or name_node, f"{where} needs a feasibleSpace; Katib rejects the Experiment")
            return unknown()
        self.check_keys(space_node, FEASIBLE_SPACE_KEYS, f"feasibleSpace of {where}")
        # Which keys a parameterType takes is SL405's check; a space of the wrong shape is not read.
        shape = SpaceShape(kind, tuple([(key_text(k), k.span) for k, _ in space_node.items()]), space_node.span)
        dist_node = space_node.get("distribution")
        distribution = text_of(dist_node) if dist_node is not None else None
        if dist_node is not None and distribution not in DISTRIBUTIONS:
            self.unknown.append(KeyRef(distribution or type_name(dist_node), dist_node.span, DISTRIBUTIONS, f"{where} distribution"))
            distribution = None

        if kind in ("discrete", "categorical"):
            values_node = space_node.get("list")
            if values_node is None:
                return unknown()
            if not isinstance(values_node, YSeq) or not values_node.items:
                self.problem(values_node, f"feasibleSpace.list of {where} must be a non-empty list")
                return unknown()
            values = []
            for v in values_node.items:
                if kind == "discrete":
                    number = katib_number(v)
                    if number is None:
                        self.problem(v, f"{where} is discrete, so each value must be a number, not {v.text if isinstance(v, YScalar) else type_name(v)!r}")
                        return unknown()
                    values.append(number)
                else:
                    values.append(lit(v))
            # Katib has no constant type: a list of one value is how a parameter is fixed.
            space = _CONSTANT if len(values) == 1 else _CATEGORICAL
            return Parameter(name, space, name_node.span, item.span, kind, kind_node.span,
                             values=tuple(values), shape=shape)

        # double / int: a range
        if space_node.key_node("list") is not None:
            return unknown()
        bounds: dict[str, Lit] = {}
        for key in ("min", "max", "step"):
            node = space_node.get(key)
            if node is None:
                continue
            number = katib_number(node)
            if number is None:
                spelled = node.text if isinstance(node, YScalar) else type_name(node)
                self.problem(node, f"feasibleSpace.{key} of {where} is {spelled!r}, which Katib cannot convert to a number")
                return unknown()
            if kind == "int" and isinstance(number.value, float):
                if number.value.is_integer():
                    number = Lit(int(number.value), number.span, number.text, number.quoted)
                else:
                    self.problem(node, f"{where} is int, but feasibleSpace.{key} is {number.text!r}; Katib cannot convert it to an integer")
                    return unknown()
            bounds[key] = number
        if "min" not in bounds or "max" not in bounds:
            missing = " and ".join(k for k in ("min", "max") if k not in bounds)
            self.problem(space_node, f"{where} is {kind}, so its feasibleSpace needs {missing}; Katib rejects the Experiment")
            return unknown()
        log = distribution in ("logUniform", "logNormal")
        if distribution in ("normal", "logNormal"):
            space = _NORMAL
        elif kind == "int":
            space = _INT
        elif "step" in bounds:
            space = _QUANTIZED
        else:
            space = _UNIFORM
        # (the distribution and its span by position: a keyword is matched among Parameter's 28 fields)
        return Parameter(
            name, space, name_node.span, item.span, distribution or kind, (dist_node or kind_node).span,
            low=bounds["min"], high=bounds["max"], q=bounds.get("step"),
            log=log, integer=kind == "int", shape=shape,
        )



def _count(node: Any) -> Lit | None:
    """A positive integer setting (parallelTrialCount), or None when absent or malformed."""
    if isinstance(node, YScalar) and isinstance(node.value, int) and not isinstance(node.value, bool) and node.value > 0:
        return lit(node)
    return None


def _strategy(node: Any, metric: Any) -> Lit | None:
    """The value of the metricStrategies entry naming the objective metric (Katib fills in min or max
    by the objective's type when there is none)."""
    if not isinstance(node, YSeq):
        return None
    for item in node.items:
        if isinstance(item, YMap) and text_of(item.get("name")) == metric and isinstance(item.get("value"), YScalar):
            return lit(item.get("value"))
    return None
