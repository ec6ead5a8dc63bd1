from __future__ import annotations

import difflib
from collections.abc import Iterator

from sweeplint.diagnostics import Finding, Severity
from sweeplint.model import Parameter, Study
from sweeplint.rule import Context, Rule

# The feasibleSpace keys each parameterType takes (Katib's admission webhook checks the pairing).
LIST_TYPES = ("discrete", "categorical")
RANGE_TYPES = ("double", "int")
RANGE_KEYS = ("min", "max", "step")


class KatibReferenceMismatch(Rule):
    """Cross-field checks of a Katib Experiment that its admission webhook would reject.

    A trial parameter whose `reference` names no parameter, a parameter no trial parameter
    references, a trial parameter the trial spec never uses, a template placeholder without a
    trial parameter, a parameterType whose feasibleSpace has the wrong shape, and a hyperband
    `resource_name` that names no parameter. The reader records what these need in the model
    (Study.trial_template, Parameter.shape, the algorithm settings).
    """

    code = "SL405"
    name = "katib-reference-mismatch"
    severity = Severity.ERROR
    formats = ("katib",)

    def check(self, ctx: Context) -> Iterator[Finding]:
        for study in ctx.studies:
            if study.format != "katib":
                continue
            for p in study.parameters:
                yield from self._shape(p)
            yield from self._hyperband_resource(study)
            yield from self._trial_parameters(study)

    @staticmethod
    def _shape(p: Parameter) -> Iterator[Finding]:
        shape = p.shape
        if shape is None:
            return
        where, kind = f"parameter {p.name!r}", shape.declared_type
        if kind in LIST_TYPES:
            wrong = [(key, span) for key, span in shape.keys if key in RANGE_KEYS]
            for key, span in wrong:
                yield Finding.split(span, f"{where} is {kind}, which takes only feasibleSpace.list, not {key}; "
                                    "Katib rejects the Experiment - list the values, or make it a double/int range")
            if not wrong and shape.key("list") is None:
                yield Finding.split(shape.span, f"{where} is {kind} but its feasibleSpace has no list of values")
        elif kind in RANGE_TYPES and shape.key("list") is not None:
            yield Finding.split(shape.key("list"), f"{where} is {kind}, which takes feasibleSpace min/max (and step), not a list; "
                                             "Katib rejects the Experiment - use parameterType discrete or categorical for a list")

    @staticmethod
    def _hyperband_resource(study: Study) -> Iterator[Finding]:
        """Katib's hyperband overwrites the `resource_name` parameter with each rung's budget."""
        method = study.method
        resource = method.get("resource_name") if method is not None and method.name == "hyperband" else None
        if resource is None:
            return
        names = [p.name for p in study.parameters]
        if resource.value in names:
            return
        close = difflib.get_close_matches(str(resource.value), names, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"spec.parameters has {', '.join(names) or 'none'}"
        yield Finding.split(resource.span, f"hyperband's resource_name {resource.value!r} is not a parameter in spec.parameters, "
                                     f"so Katib rejects the Experiment; {hint}")

    @staticmethod
    def _trial_parameters(study: Study) -> Iterator[Finding]:
        template = study.trial_template
        if template is None:
            return
        names = {p.name for p in study.parameters}
        declared: set[str] = set()
        referenced: set[str] = set()
        unresolved = False
        for binding in template.bindings:
            if binding.name is None or binding.reference is None:
                yield Finding.split(binding.span, "each trialParameters entry needs both name and reference; Katib rejects the Experiment")
                continue
            name, ref = binding.name.value, binding.reference.value
            declared.add(name)
            referenced.add(ref)
            if names and not ref.startswith("${trialSpec.") and ref not in names:
                close = difflib.get_close_matches(ref, sorted(names), n=1, cutoff=0.6)
                unresolved = True  # the misspelt reference is the finding, not the parameter it meant
                hint = f"did you mean {close[0]!r}?" if close else f"spec.parameters has {', '.join(sorted(names))}"
                yield Finding.split(binding.reference.span, f"trial parameter {name!r} references {ref!r}, which is not a parameter in "
                                                      f"spec.parameters, so Katib rejects the Experiment; {hint}")
            if binding.used is False:
                yield Finding.split(binding.name.span, f"trial parameter {name!r} is never used as ${{trialParameters.{name}}} in the trial "
                                                 "spec, so its value never reaches the trial (Katib rejects such an Experiment); "
                                                 "pass it in the container's command or args")
        for p in study.parameters if not unresolved else ():
            # Katib hands a trial its parameters only through trialParameters references.
            if p.name not in referenced:
                yield Finding.split(p.key_span, f"parameter {p.name!r} is in spec.parameters, but no trialTemplate.trialParameters "
                                          f"entry references it, so the values Katib suggests never reach the trial and "
                                          f"every trial runs the same way; add an entry with `reference: {p.name}` and use "
                                          f"it in the trial spec")
        for used in template.placeholders:
            if used.value not in declared:
                yield Finding.split(used.span, f"${{trialParameters.{used.value}}} is used in the trial spec but no trialParameters entry "
                                         f"is named {used.value!r}, so Katib rejects the Experiment; declare it with a reference "
                                         "to a parameter")
