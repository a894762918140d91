"""A module's functions, and which of them a call reaches: `name(...)` a module function, and
`self.name(...)` a method of the caller's own class. Nothing is imported; anything else is unknown."""

import ast
from dataclasses import dataclass, field

from tracebreak.lint.syntax import Function, dotted, functions


@dataclass
class Scope:
    functions: dict[str, Function]  # module functions by name, methods by "Class.name"
    owners: dict[Function, str] = field(default_factory=dict)  # a method's class

    @classmethod
    def of(cls, tree: ast.Module) -> "Scope":
        scope = cls({})
        for function, owner in functions(tree):
            scope.functions[f"{owner.name}.{function.name}" if owner else function.name] = function
            if owner:
                scope.owners[function] = owner.name
        return scope

    def callee(self, call: ast.Call, caller: Function | None) -> Function | None:
        name = dotted(call.func)
        if name.startswith("self.") and caller in self.owners:
            return self.functions.get(f"{self.owners[caller]}.{name[5:]}")
        return self.functions.get(name)

    def parameter(self, callee: Function, call: ast.Call, argument: str) -> str | None:
        """The callee's parameter that `argument` (a name at the call) is passed to."""
        positional = [a.arg for a in callee.args.posonlyargs + callee.args.args]
        if callee in self.owners and positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        for index, arg in enumerate(call.args):
            if dotted(arg) == argument and index < len(positional):
                return positional[index]
        return next((k.arg for k in call.keywords if dotted(k.value) == argument), None)
