"""The one Jinja environment class that compiles email template sources.

Templates are data a person edits in the console, not code: every source (files, saved
versions, drafts in the preview and the test email) is compiled here, in Jinja's
immutable sandbox. The sandbox refuses ``_``-prefixed and internal attributes at run
time (``__globals__``, ``__class__``, ``__init__`` …), methods that change a list or a
dict, and ``str.format`` field lookups that would reach them.

On top of Jinja's sandbox, a template cannot exhaust the machine:

- every value it builds (``*``, ``+``, ``~``, ``%``, ``str.format``, a filter) stays under
  :data:`MAX_VALUE` characters or items, checked before the value is built where the
  size is known beforehand; lists, tuples and dicts it builds hold at most
  :data:`MAX_WEIGHT` items and characters, unfolded; numbers stay under
  :data:`MAX_INT_BITS`;
- a render runs at most :data:`MAX_STEPS` loop iterations and calls, and joins at most
  :data:`MAX_OUTPUT` characters into one piece of output (the whole email, a macro,
  a ``{% set %}`` block);
- only a short list of filters and ``str`` methods is available (no padding, no
  ``lipsum``), recursive loops are refused when the template compiles.

Every refusal raises :class:`jinja2.sandbox.SecurityError` with a sentence for the author.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from mailflow import i18n

MAX_VALUE = 100_000  # characters (or items) of one value a template builds
MAX_OUTPUT = 2_000_000  # characters joined into one output (an email part, a macro)
MAX_STEPS = 50_000  # loop iterations and calls in one render
MAX_WEIGHT = 1_000_000  # items and characters of a list, tuple or dict a template builds
MAX_ARGUMENT = 10_000  # the count of |batch and |slice
MAX_FORMAT_WIDTH = 1_000  # width or precision in a printf or str.format field
MAX_EXPONENT = 1_000
MAX_INT_BITS = 100_000  # an integer a template computes (about 30 000 digits)

# Filters a template may use: Jinja's own minus the ones that pad, repeat or print
# Python internals (center, indent, wordwrap, pprint, urlize, xmlattr …).
FILTERS = frozenset(
    {
        "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort", "e",
        "escape", "first", "float", "forceescape", "format", "groupby", "int", "items",
        "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
        "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr",
        "slice", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
        "unique", "upper", "urlencode", "wordcount",
    }
)  # fmt: skip
# ``str`` methods a template may call; the others pad or repeat (center, ljust, zfill,
# expandtabs, join, replace, translate …). ``format`` goes through the sandbox's formatter.
STR_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isdigit", "islower", "isnumeric", "isspace",
        "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix",
        "removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "upper",
    }
)  # fmt: skip
_SIZED = (str, bytes, list, tuple)
_BUILT = (list, tuple, dict, Namespace)
# A printf field: its width and precision (digits or ``*``).
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")
_DIGITS = re.compile(r"\d+")


class _Budget:
    """Steps left in one render. Kept in a mutable object on the render's eval context:
    ``{% autoescape %}`` blocks save and restore the context's attributes, a shared
    object is not reset by that."""

    __slots__ = ("steps",)

    def __init__(self) -> None:
        self.steps = MAX_STEPS


def _budget(eval_ctx: EvalContext) -> _Budget:
    found = eval_ctx.__dict__.get("mailflow_budget")
    if found is None:
        found = eval_ctx.__dict__["mailflow_budget"] = _Budget()
    return found


def spend(context: Context) -> None:
    budget = _budget(context.eval_ctx)
    budget.steps -= 1
    if budget.steps < 0:
        raise SecurityError(
            f"the template runs too long: more than {MAX_STEPS} loop steps and calls"
        )


def check_size(value: Any, what: str = "a value") -> Any:
    """``value``, unless it is a string or sequence longer than :data:`MAX_VALUE`."""
    if isinstance(value, _SIZED) and len(value) > MAX_VALUE:
        raise SecurityError(f"{what} would be longer than {MAX_VALUE} characters")
    return value


def _check_length(length: int, what: str) -> None:
    if length > MAX_VALUE:
        raise SecurityError(f"{what} would be longer than {MAX_VALUE} characters")


def check_printf(fmt: object, values: Iterable[Any] = ()) -> None:
    """Refuse a ``%`` format with a ``*`` or a huge width or precision, or whose fields
    filled with ``values`` would make a text above :data:`MAX_VALUE`."""
    if not isinstance(fmt, str):
        return
    fields = 0
    for width, precision, kind in _PRINTF.findall(fmt):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(f"a format width or precision above {MAX_FORMAT_WIDTH}")
        fields += kind != "%"
    _check_filled(fmt, fields, values)


def check_str_format(fmt: str, values: Iterable[Any] = ()) -> None:
    """Refuse a ``str.format`` field with a nested or huge width (``{:>{}}``, ``{:9999999}``),
    or fields that filled with ``values`` would make a text above :data:`MAX_VALUE`."""
    fields = 0
    for _text, name, spec, _conversion in string.Formatter().parse(fmt):
        fields += name is not None
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError("a format field may not take its width from an argument")
        if any(int(n) > MAX_FORMAT_WIDTH for n in _DIGITS.findall(spec)):
            raise SecurityError(f"a format width or precision above {MAX_FORMAT_WIDTH}")
    _check_filled(fmt, fields, values)


def _check_filled(fmt: str, fields: int, values: Iterable[Any]) -> None:
    """At most: every field filled with the longest value (``"%(a)s" * 9999 % {"a": big}``)."""
    longest = max((len(v) if isinstance(v, str) else len(str(v)) for v in values), default=0)
    _check_length(len(fmt) + fields * (longest + MAX_FORMAT_WIDTH), "a formatted text")


def _format_values(values: Any) -> list[Any]:
    """The values a ``%`` format takes from its right side."""
    if isinstance(values, dict):
        return list(values.values())
    return list(values) if isinstance(values, tuple) else [values]


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, _SIZED) and isinstance(times, int):
                _check_length(len(seq) * max(times, 0), "a repeated value")
        if _is_int(left) and _is_int(right):
            _check_bits(abs(left).bit_length() + abs(right).bit_length())
    elif operator == "+" and isinstance(left, _SIZED) and isinstance(right, _SIZED):
        _check_length(len(left) + len(right), "a joined value")
    elif operator == "**":
        _check_power(left, right)
    elif operator == "%" and isinstance(left, str):
        check_printf(left, _format_values(right))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_power(base: Any, exponent: Any) -> None:
    """``10**(10**10)`` or ``(10**1000)**1000``: the result's size is known beforehand."""
    if not isinstance(exponent, int | float) or abs(exponent) <= 1:
        return
    if abs(exponent) > MAX_EXPONENT and isinstance(base, int | float) and abs(base) not in (0, 1):
        raise SecurityError(f"an exponent above {MAX_EXPONENT}")
    if _is_int(base) and exponent > 0:
        _check_bits(abs(base).bit_length() * int(exponent))


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError(f"a number above {MAX_INT_BITS} bits")


def _check_count(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``batch`` and ``slice``: a bounded count, and a fill value that is no structure
    (it is repeated up to ``count`` times)."""
    count = args[0] if args else kwargs.get("linecount", kwargs.get("slices"))
    if isinstance(count, int) and abs(count) > MAX_ARGUMENT:
        raise SecurityError(f"|{name} with more than {MAX_ARGUMENT}")
    fill = args[1] if len(args) > 1 else kwargs.get("fill_with")
    if fill is not None and not isinstance(fill, str | int | float):
        raise SecurityError(f"|{name} fills only with a text or a number")
    check_size(fill, f"the fill value of |{name}")


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """The filter with its arguments and its result checked."""
    skip = 2 if getattr(func, "jinja_pass_arg", None) else 1

    @wraps(func)  # keeps ``jinja_pass_arg``: Jinja still passes the context first
    def guarded(*args: Any, **kwargs: Any) -> Any:
        value, rest = args[skip - 1], args[skip:]
        if name in ("batch", "slice"):
            _check_count(name, rest, kwargs)
        elif name == "format":
            check_printf(value, [*rest, *kwargs.values()])
        elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
            _check_replace(value, str(rest[0]), str(rest[1]))
        elif name == "join":
            _check_join(value, rest[0] if rest else kwargs.get("d", ""))
        elif name == "sum" and not isinstance(kwargs.get("start", 0), int | float):
            raise SecurityError("|sum adds numbers only")
        return check_size(func(*args, **kwargs), f"the result of |{name}")

    return guarded


def _check_replace(value: str, old: str, new: str) -> None:
    hits = value.count(old) if old else len(value) + 1
    _check_length(len(value) + hits * (len(new) - len(old)), "the result of |replace")


def _check_join(value: Any, separator: Any) -> None:
    """Add up the pieces before ``join`` builds the text."""
    if not isinstance(value, list | tuple):
        return
    total = len(str(separator)) * len(value)
    for item in value:
        total += len(item) if isinstance(item, str) else len(str(item))
        _check_length(total, "the result of |join")


def weigh(context: Context, value: Any) -> Any:
    """``value``, unless it unfolds into more than :data:`MAX_WEIGHT` items and characters
    (``{% set a = [a, a] %}`` forty times is a terabyte once printed). Each item visited
    costs a step of the render's budget."""
    budget = _budget(context.eval_ctx)
    total, todo = 0, [value]
    while todo:
        item = todo.pop()
        budget.steps -= 1
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item)
            todo += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item)
            todo += item
        elif isinstance(item, Namespace):
            todo.append(object.__getattribute__(item, "_Namespace__attrs"))
        else:
            total += 1
        if total > MAX_WEIGHT:
            raise SecurityError(f"a value the template builds holds more than {MAX_WEIGHT} items")
        if budget.steps < 0:
            raise SecurityError(f"the template runs too long: more than {MAX_STEPS} steps")
    return value


@pass_context
def _gettext(ctx: Context, message: str, **variables: Any) -> str:
    check_printf(message, variables.values())
    return i18n.gettext(i18n.context_language(ctx), message, **variables)


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    check_printf(singular, variables.values())
    check_printf(plural, variables.values())
    return i18n.ngettext(i18n.context_language(ctx), singular, plural, n, **variables)


class _BudgetedCode(CodeGenerator):
    """Jinja's code generator with every loop drawing on the render's step budget, every
    ``~`` result checked for size and every list, tuple and dict literal weighed."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if node.recursive:
            self.fail("recursive loops are not available in email templates", node.lineno)
        budgeted = nodes.Call(
            nodes.EnvironmentAttribute("budgeted", lineno=node.lineno),
            [nodes.ContextReference(lineno=node.lineno), node.iter],
            [],
            None,
            None,
            lineno=node.lineno,
        )
        loop = nodes.For(
            node.target, budgeted, node.body, node.else_, node.test, False, lineno=node.lineno
        )
        loop.set_environment(self.environment)
        super().visit_For(loop, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_size(")
        super().visit_Concat(node, frame)
        self.write(")")

    def visit_List(self, node: nodes.List, frame: Frame) -> None:
        self.write("environment.weigh(context, ")
        super().visit_List(node, frame)
        self.write(")")

    def visit_Dict(self, node: nodes.Dict, frame: Frame) -> None:
        self.write("environment.weigh(context, ")
        super().visit_Dict(node, frame)
        self.write(")")

    def visit_Tuple(self, node: nodes.Tuple, frame: Frame) -> None:
        if node.ctx != "load":  # ``{% for a, b in … %}``: names to store into
            super().visit_Tuple(node, frame)
            return
        self.write("environment.weigh(context, ")
        super().visit_Tuple(node, frame)
        self.write(")")


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the size and step limits described above."""

    code_generator_class = _BudgetedCode
    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        del self.globals["lipsum"]
        self.filters = {name: _guard_filter(name, self.filters[name]) for name in FILTERS}
        self.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        self.filters[name] = _guard_filter(name, func)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in STR_METHODS and callable(value):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """Refuse at once: Jinja's default returns an undefined value that prints as
        ``""`` and fails only when used further."""
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
        )

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        return weigh(context, result) if isinstance(result, _BUILT) else result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        spend(__context)
        result = super().call(__context, __obj, *args, **kwargs)
        return weigh(__context, result) if isinstance(result, _BUILT) else result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        fmt = super().wrap_str_format(value)
        if fmt is None:
            return None
        template = value.__self__
        check_str_format(template)

        def checked(*args: Any, **kwargs: Any) -> str:
            mapped = args[0].values() if args and isinstance(args[0], dict) else ()
            check_str_format(template, [*args, *kwargs.values(), *mapped])
            return str(check_size(fmt(*args, **kwargs), "a formatted text"))

        return checked

    def budgeted(self, context: Context, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            spend(context)
            yield item

    def weigh(self, context: Context, value: Any) -> Any:
        return weigh(context, value)

    def checked_size(self, value: Any) -> Any:
        return check_size(value, "a joined text (~)")

    def concat(self, parts: Iterable[str]) -> str:
        """Join output pieces, refusing more than :data:`MAX_OUTPUT` characters."""
        kept, size = [], 0
        for part in parts:
            size += len(part)
            if size > MAX_OUTPUT:
                raise SecurityError(f"the template writes more than {MAX_OUTPUT} characters")
            kept.append(part)
        return "".join(kept)
