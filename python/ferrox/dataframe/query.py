"""``DataFrame.query`` / ``eval``: pandas' expression syntax parsed with
Python's ``ast`` and evaluated into ferrox column expressions (nothing is
computed here; the result is lazy like any other expression)."""

from __future__ import annotations

import ast
import operator
import re
from typing import TYPE_CHECKING, Any

from pandas.errors import UndefinedVariableError

if TYPE_CHECKING:
    from ferrox.dataframe.frame import DataFrame

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}

_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _rewrite(expr: str) -> tuple[str, dict[str, str]]:
    """``@name`` → a variable reference, backquoted names → identifiers, and
    ``&`` / ``|`` / ``~`` → ``and`` / ``or`` / ``not``, which in pandas'
    syntax bind as loosely as those words (``a > 0 & b < 1`` is
    ``(a > 0) and (b < 1)``)."""
    import io
    import tokenize

    quoted: dict[str, str] = {}

    def quote(m: re.Match[str]) -> str:
        key = f"__bq{len(quoted)}__"
        quoted[key] = m.group(1)
        return key

    expr = re.sub(r"`([^`]*)`", quote, expr)
    expr = re.sub(r"@([A-Za-z_][A-Za-z_0-9]*)", r"__local__\1", expr)
    words = {"&": "and", "|": "or", "~": "not"}
    try:
        tokens = [
            words.get(tok.string, tok.string) if tok.type == tokenize.OP else tok.string
            for tok in tokenize.generate_tokens(io.StringIO(expr).readline)
            if tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER)
        ]
        expr = " ".join(tokens)
    except (tokenize.TokenError, SyntaxError):
        pass
    return expr, quoted


def evaluate(expr: str, df: DataFrame, local_dict: dict[str, Any]) -> Any:
    """The value of ``expr`` over ``df``'s columns."""
    text, quoted = _rewrite(expr)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ValueError(f"invalid query {expr!r}: {err.msg}") from None
    columns = set(df._core.columns())

    def name(n: str) -> Any:
        if n.startswith("__local__"):
            var = n[len("__local__") :]
            if var not in local_dict:
                raise UndefinedVariableError(var, True)
            return local_dict[var]
        n = quoted.get(n, n)
        if n in columns:
            return df[n]
        if n in ("True", "False"):
            return n == "True"
        raise UndefinedVariableError(n)

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Name):
            return name(node.id)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            if isinstance(node.op, ast.Not | ast.Invert):
                return ~v if hasattr(v, "__invert__") and not isinstance(v, bool) else not v
            if isinstance(node.op, ast.USub):
                return -v
            return v
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.BoolOp):
            # Element-wise, as pandas' `and` / `or` in queries.
            values = [ev(v) for v in node.values]
            out = values[0]
            for v in values[1:]:
                out = (out & v) if isinstance(node.op, ast.And) else (out | v)
            return out
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            out = None
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                if isinstance(op, ast.In | ast.NotIn):
                    values = right if isinstance(right, list) else [right]
                    part = left.isin(values)
                    part = ~part if isinstance(op, ast.NotIn) else part
                elif type(op) in _COMPARE:
                    part = _COMPARE[type(op)](left, right)
                else:
                    raise ValueError(f"unsupported comparison in query {expr!r}")
                out = part if out is None else out & part
                left = right
            return out
        if isinstance(node, ast.Attribute):
            return getattr(ev(node.value), node.attr)
        if isinstance(node, ast.Call):
            func = ev(node.func)
            return func(*[ev(a) for a in node.args], **{k.arg: ev(k.value) for k in node.keywords})
        raise ValueError(f"unsupported syntax in query {expr!r}: {type(node).__name__}")

    return ev(tree)
