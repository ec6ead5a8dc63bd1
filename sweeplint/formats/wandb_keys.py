"""The top-level keys of a W&B sweep besides its parameters: their types, `metric`/`metrics`,
`controller`, `early_terminate`, and the two kinds of `scheduler`.

W&B's sweep engine validates a sweep with its JSON schema plus a few cross-key checks; the facts
below follow that schema (sweeps 0.3) and the `wandb launch-sweep` command:
- a `scheduler` holding `engine` (optuna, ax or wandb; with `source`, `optimizer`, `search_space`)
  configures the engine's own external scheduler: `engine: wandb` runs grid, random or bayes,
  optuna and ax need `method: custom`; it excludes `early_terminate` and a local controller;
- a `scheduler` holding a Launch job or resource (`job`, `resource`, `settings`...) or a `launch`
  section belongs to a Launch sweep: `wandb launch-sweep` takes both out of the config before the
  engine sees it, and needs exactly one of the top-level `job` and `image_uri`.
"""

from __future__ import annotations

from sweeplint.formats.nodes import Collector, key_text, text_of, type_name
from sweeplint.formats.wandb_dialect import ONLY_WARNS, REFUSES
from sweeplint.model import KeyRef, Opaque
from sweeplint.yamldoc import YMap, YScalar, YSeq

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any

METRIC_KEYS = ("name", "goal", "target", "impute", "impute_while_running")
GOALS = ("minimize", "maximize")
IMPUTE = ("latest", "best", "worst")
IMPUTE_WHILE_RUNNING = ("latest", "best", "worst", "false")
EARLY_TERMINATE_KEYS = ("type", "max_iter", "min_iter", "s", "eta", "strict")
CONTROLLER_TYPES = ("local", "cloud")
ENGINE_SCHEDULER_KEYS = ("engine", "source", "optimizer", "search_space")
# engine -> the methods it runs
ENGINE_METHODS = {"wandb": ("grid", "random", "bayes"), "optuna": ("custom",), "ax": ("custom",)}
# The scheduler of a Launch sweep: its own `job`, the `resource` it runs on, `num_workers`
# concurrent runs, `settings` passed to the scheduler (such as the method of W&B's scheduler job).
LAUNCH_SCHEDULER_KEYS = ("job", "resource", "resource_args", "docker_image", "name", "num_workers",
                         "settings", "template_variables")
# Top-level keys the engine's schema types as strings.
STRING_KEYS = ("program", "name", "description", "project", "entity", "job", "image_uri", "apiVersion")


def is_launch_sweep(root: YMap) -> bool:
    """A Launch sweep (run with `wandb launch-sweep`): a `launch` section, or a scheduler that
    names a Launch job or resource rather than an engine."""
    if root.get("launch") is not None:
        return True
    scheduler = root.get("scheduler")
    if not isinstance(scheduler, YMap):
        return False
    keys = {key_text(k) for k, _ in scheduler.items()}
    return not keys & set(ENGINE_SCHEDULER_KEYS) and bool(keys)


def engine_search_space(root: YMap) -> bool:
    """The engine's scheduler defines the search space itself (`scheduler.search_space`)."""
    scheduler = root.get("scheduler")
    return isinstance(scheduler, YMap) and not is_launch_sweep(root) and bool(text_of(scheduler.get("search_space")))


class TopLevelChecks:
    """Checks one sweep's top-level keys, recording problems on the reader's collector."""

    def __init__(self, out: Collector, root: YMap):
        self.out = out
        self.root = root

    def run(self, method: str | None) -> None:
        self.types()
        self.metrics(method)
        self.controller()
        self.scheduler(method)
        self.launch()

    def types(self) -> None:
        for key in STRING_KEYS:
            node = self.root.get(key)
            if node is not None and not _opaque(node) and not (isinstance(node, YScalar) and isinstance(node.value, str)):
                self.out.problem(node, f"`{key}` must be a string, not {type_name(node)}, and {ONLY_WARNS}")
        kind = self.root.get("kind")
        if kind is not None and text_of(kind) != "sweep":
            self.out.problem(kind, f"`kind` can only be sweep, not {text_of(kind) or type_name(kind)!r}")

    # --- metric and metrics ------------------------------------------------------------------

    def metric_fields(self, node: YMap, where: str) -> None:
        """The fields of one metric mapping besides unknown keys (reported by the caller)."""
        name = node.get("name")
        if name is not None and not _opaque(name) and not (isinstance(name, YScalar) and isinstance(name.value, str)):
            self.out.problem(name, f"{where}.name must be a string, not {type_name(name)}")
        target = node.get("target")
        if target is not None and not _opaque(target) and not _is_number(target):
            self.out.problem(target, f"{where}.target must be a number, not {type_name(target)}")
        for key, allowed in (("impute", IMPUTE), ("impute_while_running", IMPUTE_WHILE_RUNNING)):
            value = node.get(key)
            if value is not None and not _opaque(value) and text_of(value) not in allowed:
                shown = text_of(value) or type_name(value)
                self.out.problem(value, f"{where}.{key} must be one of {', '.join(allowed)}, not {shown!r}")

    def metrics(self, method: str | None) -> None:
        node = self.root.get("metrics")
        if node is None:
            return
        key = self.root.key_node("metrics") or node
        if self.root.get("metric") is not None:
            self.out.problem(key, f"the sweep has both `metric` and `metrics` (use `metric` for one objective, `metrics` for several), and {ONLY_WARNS}")
        elif method is not None and method != "custom":
            self.out.problem(key, f"`metrics` (several objectives) needs `method: custom`, not {method}, so " + (REFUSES + " (bayes needs `metric`)" if method == "bayes" else ONLY_WARNS))
        if not isinstance(node, YSeq):
            self.out.problem(node, f"`metrics` must be a list of at least two metrics (name, goal), not {type_name(node)}")
            return
        if len(node.items) < 2:
            self.out.problem(node, f"`metrics` must list at least two metrics, not {len(node.items)}; for one objective use `metric`")
        for index, item in enumerate(node.items):
            where = f"metrics[{index}]"
            if not isinstance(item, YMap):
                self.out.problem(item, f"{where} must be a mapping with `name` and `goal`, not {type_name(item)}")
                continue
            self.out.check_keys(item, METRIC_KEYS, where)
            if item.get("name") is None:
                self.out.problem(item, f"{where} has no `name`")
            goal = item.get("goal")
            if goal is not None and text_of(goal) not in GOALS:
                self.out.problem(goal, f"{where}.goal must be minimize or maximize, not {text_of(goal) or type_name(goal)!r}")
            self.metric_fields(item, where)

    # --- controller, scheduler, launch -------------------------------------------------------

    def controller(self) -> None:
        node = self.root.get("controller")
        if node is None:
            return
        if not isinstance(node, YMap):
            self.out.problem(node, f"controller must be a mapping such as {{type: local}}, not {type_name(node)}")
            return
        kind = node.get("type")
        # W&B lets other keys through; only a misspelt `type` matters.
        import difflib  # (a config with a controller: not imported by every run)

        typos = [k for k, _ in node.items() if key_text(k) != "type" and difflib.get_close_matches(key_text(k), ("type",), n=1, cutoff=0.6)]
        for k in typos:
            self.out.unknown.append(KeyRef(key_text(k), k.span, ("type",), "controller"))
        if kind is None and not typos:
            self.out.problem(self.root.key_node("controller") or node, f"controller has no `type` (local or cloud), and {ONLY_WARNS}")
        elif kind is not None and text_of(kind) not in CONTROLLER_TYPES and not _opaque(kind):
            self.out.problem(kind, f"controller.type must be local or cloud, not {text_of(kind) or type_name(kind)!r}")

    def scheduler(self, method: str | None) -> None:
        node = self.root.get("scheduler")
        if node is None:
            return
        if not isinstance(node, YMap):
            self.out.problem(node, f"scheduler must be a mapping, not {type_name(node)}")
            return
        if is_launch_sweep(self.root):
            self.out.check_keys(node, LAUNCH_SCHEDULER_KEYS, "the Launch scheduler")
            self.launch_scheduler(node)
            return
        self.out.check_keys(node, ENGINE_SCHEDULER_KEYS, "scheduler")
        key = self.root.key_node("scheduler") or node
        engine = node.get("engine")
        if engine is None:
            self.out.problem(key, f"scheduler has no `engine` (wandb, optuna or ax), and {ONLY_WARNS}")
        elif text_of(engine) not in ENGINE_METHODS:
            self.out.problem(engine, f"scheduler.engine must be wandb, optuna or ax, not {text_of(engine) or type_name(engine)!r}")
        elif method is not None and method not in ENGINE_METHODS[text_of(engine)]:
            wanted = " or ".join(ENGINE_METHODS[text_of(engine)])
            self.out.problem(engine, f"scheduler.engine {text_of(engine)} runs method {wanted}, not {method}, and {ONLY_WARNS}")
        for field in ("engine", "source", "optimizer", "search_space"):
            value = node.get(field)
            if value is not None and field != "engine" and not (isinstance(value, YScalar) and isinstance(value.value, str)):
                self.out.problem(value, f"scheduler.{field} must be a string, not {type_name(value)}")
        for field in ("optimizer", "search_space"):
            if node.get(field) is not None and node.get("source") is None:
                self.out.problem(node.key_node(field) or node, f"scheduler.{field} names a function of `source`, but the scheduler has no `source`")
        if self.root.get("early_terminate") is not None:
            self.out.problem(self.root.key_node("early_terminate") or self.root.get("early_terminate"),
                             f"early_terminate cannot be used with a scheduler (the scheduler stops runs itself), and {ONLY_WARNS}")
        controller = self.root.get("controller")
        if isinstance(controller, YMap) and text_of(controller.get("type")) == "local":
            self.out.problem(controller.get("type"), f"a local controller cannot be used with a scheduler, and {ONLY_WARNS}")

    def launch_scheduler(self, node: YMap) -> None:
        settings = node.get("settings")
        if settings is not None and not isinstance(settings, YMap):
            self.out.problem(settings, f"scheduler.settings must be a mapping, not {type_name(settings)}")
        resource = text_of(node.get("resource"))
        if resource == "local-process" and node.get("job") is not None:
            self.out.problem(node.get("resource"), "a scheduler job cannot run on the local-process resource; `wandb launch-sweep` refuses it")
        elif resource == "local-process" and node.get("docker_image") is not None:
            self.out.problem(node.get("resource"), "the local-process resource cannot run a docker_image; `wandb launch-sweep` refuses it")

    def launch(self) -> None:
        launch = self.root.get("launch")
        if launch is not None and not isinstance(launch, YMap):
            self.out.problem(launch, f"launch must be a mapping of launch settings (queue, registry...), not {type_name(launch)}")
        if not is_launch_sweep(self.root):
            return
        job, image = self.root.get("job"), self.root.get("image_uri")
        if job is not None and image is not None:
            self.out.problem(self.root.key_node("image_uri") or image,
                             "a Launch sweep runs either `job` or `image_uri`, not both; `wandb launch-sweep` refuses it")
        elif not _truthy(job) and not _truthy(image):
            self.out.problem(self.root.key_node("launch") or self.root.key_node("scheduler") or self.root,
                             "a Launch sweep needs the training `job` (or an `image_uri`) at the top level; `wandb launch-sweep` refuses it without one")

    # --- early_terminate -----------------------------------------------------------------------

    def early_terminate(self, node: YMap) -> None:
        """Hyperband's own fields, after the reader checked the keys and the type."""
        for key, integer, low in (("max_iter", True, None), ("min_iter", True, 1), ("s", False, None), ("eta", False, 1)):
            value = node.get(key)
            if value is None:
                continue
            if not (_is_int(value) if integer else _is_number(value)):
                self.out.problem(value, f"early_terminate.{key} must be {'an integer' if integer else 'a number'}, not {type_name(value)}")
            elif key == "min_iter" and value.value < low:
                self.out.problem(value, f"early_terminate.min_iter must be at least 1, not {value.text}")
            elif key == "eta" and value.value <= low:
                self.out.problem(value, f"early_terminate.eta must be greater than 1, not {value.text}")
        strict = node.get("strict")
        if strict is not None and not (isinstance(strict, YScalar) and isinstance(strict.value, bool)):
            self.out.problem(strict, f"early_terminate.strict must be true or false, not {type_name(strict)}")
        if node.get("min_iter") is None and (node.get("max_iter") is None or node.get("s") is None):
            self.out.problem(node, f"hyperband needs `min_iter`, or both `max_iter` and `s`, and {ONLY_WARNS}")


def _opaque(node: Any) -> bool:
    """A value computed in Python that cannot be followed (an imported constant): not judged."""
    return isinstance(node, YScalar) and isinstance(node.value, Opaque)


def _is_int(node: Any) -> bool:
    return isinstance(node, YScalar) and isinstance(node.value, int) and not isinstance(node.value, bool)


def _is_number(node: Any) -> bool:
    return isinstance(node, YScalar) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def _truthy(node: Any) -> bool:
    return node is not None and not (isinstance(node, YScalar) and node.value in (None, ""))
