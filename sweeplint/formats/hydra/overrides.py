"""Hydra's override grammar (the value after `key=`), read without Hydra.

A small tokenizer and recursive-descent parser for the value part of an override, as it appears in
`hydra.sweeper.params` and on the command line: primitives (numbers, booleans, null, unquoted and
quoted strings), lists, dicts, function calls with positional and `name=value` arguments (`choice`,
`range`, `interval`, `tag`, `int`, `glob`...), and the simple choice sweep `a,b,c`. Every node keeps
its offsets in the string so that readers can point inside a YAML value.
"""

from __future__ import annotations

import re

from sweeplint.records import field, record

TYPE_CHECKING = False  # (typing is for type checkers only: see README, "Adding a format or a rule")
if TYPE_CHECKING:
    from typing import Any


class OverrideSyntaxError(Exception):
    """A malformed override value; `start`/`end` are offsets in the string."""

    def __init__(self, message: str, start: int, end: int | None = None):
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end if end is not None else start + 1


# --- nodes ------------------------------------------------------------------------------------


@record(slots=True)
class Prim:
    """A primitive: a number, boolean, null or string, with its typed value and its text."""

    value: Any
    text: str
    start: int
    end: int
    quoted: bool = False


@record(slots=True)
class Arg:
    """One argument of a function call, `name=value` or positional (name None)."""

    name: str | None
    value: Any               # a node
    start: int               # of the name when there is one, else of the value


@record(slots=True)
class Call:
    """A function call such as `choice(a, b)` or `interval(0, 1)`."""

    name: str
    args: list[Arg]
    start: int               # of the name
    end: int                 # after the closing parenthesis
    name_end: int = 0

    def positional(self) -> list[Any]:
        return [a.value for a in self.args if a.name is None]

    def keyword(self, name: str) -> Any:
        for a in self.args:
            if a.name == name:
                return a.value
        return None


@record(slots=True)
class ListV:
    """A list `[a, b]`."""

    items: list[Any]
    start: int
    end: int


@record(slots=True)
class DictV:
    """A dict `{a: 1}`."""

    pairs: list[tuple[Any, Any]]      # keys typed as Hydra types them: `{1: a}` has the key 1
    start: int
    end: int


@record(slots=True)
class SimpleChoice:
    """`a,b,c`: a choice sweep written without `choice(...)`."""

    items: list[Any] = field(default_factory=list)
    start: int = 0
    end: int = 0


# --- tokens -----------------------------------------------------------------------------------
# Hydra's value-mode lexer: at each position the longest token wins, and on a tie the rule listed
# first (so `true` is a boolean, `inf` a float, `infinity` a word). Punctuation is kept apart from
# the blanks around it; blanks only matter inside a primitive, where the parser keeps them.

_DIGITS = r"[0-9](?:_?[0-9])*"
_UINT = r"(?:0|[1-9](?:_?[0-9])*)"
_POINT = r"(?:(?:" + _UINT + r")?\." + _DIGITS + "|" + _UINT + r"\.)"   # the longer form first
_SIGNED = "+-0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID = r"[A-Za-z_][A-Za-z0-9_\-]*"
# (kind, pattern, flags, the characters a token of the pattern can start with), in rule order.
_RULES: list[tuple[str, str, int, str]] = [
    ("punct", r"[()\[\]{},:=]", 0, "()[]{},:="),
    ("float", r"[+-]?" + _POINT, 0, _SIGNED + "."),
    ("float", r"[+-]?(?:" + _POINT + "|" + _UINT + r")[eE][+-]?" + _DIGITS, 0, _SIGNED + "."),
    ("float", r"[+-]?(?:[Ii][Nn][Ff]|[Nn][Aa][Nn])", 0, "+-IiNn"),
    ("int", r"[+-]?" + _UINT, 0, _SIGNED),
    ("bool", r"[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]", 0, "TtFf"),
    ("null", r"[Nn][Uu][Ll][Ll]", 0, "Nn"),
    ("char", r"[/\-\\+.$%*@?|]", 0, "/-\\+.$%*@?|"),
    ("id", _ID, 0, _LETTERS + "_"),
    ("esc", r"(?:\\[\\()\[\]{}:=, \t])+", 0, "\\"),
    ("ws", r"[ \t]+", 0, " \t"),
    ("quoted", r"\"(?:(?:\\\\)*|.*?[^\\](?:\\\\)*)\"", re.S, '"'),
    ("quoted", r"'(?:(?:\\\\)*|.*?[^\\](?:\\\\)*)'", re.S, "'"),
    ("interp", r"\$\{[^}]+\}", 0, "$"),
]
_FIRST_CHARS = frozenset("".join(first for *_, first in _RULES))


class _RulesAt(dict):
    """A character -> the (kind, compiled pattern) of the rules a token starting with it may match.
    Only those are tried at a position (trying all fourteen everywhere was most of reading an
    override). The characters nearly every override has are prepared with the module (in a parallel
    run, once before the workers start); the others when a token first starts with one: most runs
    never meet a quote, a backslash or a `$`, whose patterns are the costliest to compile."""

    def __missing__(self, char: str) -> list[tuple[str, re.Pattern]]:
        if char not in _FIRST_CHARS:
            return []
        # (re.compile keeps one compiled pattern for all the characters that share it)
        rules = self[char] = [(kind, re.compile(pattern, flags)) for kind, pattern, flags, first in _RULES
                              if char in first]
        return rules

    def prepare(self, chars: str) -> None:
        for char in chars:
            self.__missing__(char)


_RULES_AT = _RulesAt()
_RULES_AT.prepare(_SIGNED + ". \t")
# Two kinds of token need no contest between rules. A punctuation mark is a token of one character
# (no other rule starts with one). A word (a letter or `_` first) is the `id` rule's longest match:
# the rules that tie with it on a word spelled as they spell it, `inf`/`nan`, `true`/`false` and
# `null` in any case, come first, and no other rule matches from a letter.
_PUNCT = "()[]{},:="
_WORD_START = frozenset(_LETTERS + "_")
_WORD = re.compile(_ID)
_KEYWORDS = {"inf": "float", "nan": "float", "true": "bool", "false": "bool", "null": "null"}
_BOOL = {"true": True, "false": False}
_QUOTED_ESCAPES = {"'": r"(\\)+'", '"': r'(\\)+"'}  # (compiled on first use, by re's cache)


@record(slots=True)
class _Tok:
    """A token of the value-mode lexer: its rule and where it is."""

    kind: str
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos, length = 0, len(text)
    while pos < length:
        char = text[pos]
        if char in _PUNCT:
            tokens.append(_Tok("punct", char, pos, pos + 1))
            pos += 1
            continue
        if char in _WORD_START:
            end = _WORD.match(text, pos).end()
            word = text[pos:end]
            tokens.append(_Tok(_KEYWORDS.get(word.lower(), "id"), word, pos, end))
            pos = end
            continue
        best_kind, best_end = None, pos
        for kind, pattern in _RULES_AT[char]:
            m = pattern.match(text, pos)
            if m is not None:
                end = m.end()
                if end > best_end:
                    best_kind, best_end = kind, end
        if best_kind is None:
            if char in "'\"":
                raise OverrideSyntaxError(f"the quoted string starting here is never closed (add a closing {char})", pos, len(text))
            if char == "\\":
                raise OverrideSyntaxError("a backslash here escapes nothing Hydra knows", pos)
            raise OverrideSyntaxError(f"Hydra's override grammar does not allow the character {char!r} here "
                                      f"(quote the value to use it)", pos)
        tokens.append(_Tok(best_kind, text[pos:best_end], pos, best_end))
        pos = best_end
    return tokens


def unescape_quoted(text: str) -> str:
    """The content of a quoted token: a backslash run before a quote is halved (`\\'` -> `'`)."""
    quote, rest = text[0], text[1:]
    pattern = re.compile(_QUOTED_ESCAPES[quote])
    parts: list[str] = []
    m = pattern.search(rest)
    if m is None:
        return rest[:-1]
    while m is not None:
        start, stop = m.span()
        parts.append(rest[:start])
        parts.append(rest[start + 1:stop:2])
        rest = rest[stop:]
        m = pattern.search(rest)
    if len(rest) > 1:
        parts.append(rest[:-1])
    return "".join(parts)


def _number(tok: _Tok) -> Any:
    raw = tok.text.replace("_", "")
    if tok.kind == "int":
        return int(raw)
    return float(raw)


# --- parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    # helpers
    def peek(self) -> _Tok | None:
        """The next token that is not a blank, or None at the end."""
        toks, j = self.toks, self.i
        count = len(toks)
        while j < count and toks[j].kind == "ws":
            j += 1
        return toks[j] if j < count else None

    def followed_by(self, ch: str) -> bool:
        """Whether the token after the next one (blanks skipped) is the punctuation `ch`."""
        toks, j = self.toks, self.i
        while j < len(toks) and toks[j].kind == "ws":
            j += 1
        j += 1
        while j < len(toks) and toks[j].kind == "ws":
            j += 1
        return j < len(toks) and self.is_punct(toks[j], ch)

    def skip_ws(self) -> None:
        toks, i = self.toks, self.i
        while i < len(toks) and toks[i].kind == "ws":
            i += 1
        self.i = i

    def take(self) -> _Tok:
        self.skip_ws()
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def is_punct(self, tok: _Tok | None, ch: str) -> bool:
        return tok is not None and tok.kind == "punct" and tok.text == ch

    def expect(self, ch: str, what: str) -> _Tok:
        tok = self.peek()
        if not self.is_punct(tok, ch):
            where = tok.start if tok is not None else len(self.text)
            found = f"found {tok.text!r}" if tok is not None else "the value ends"
            raise OverrideSyntaxError(f"expected {ch!r} {what}, but {found}", where)
        return self.take()

    # grammar
    def value(self) -> Any:
        self.skip_ws()
        if self.peek() is None:
            return Prim("", "", len(self.text), len(self.text))
        first = self.element()
        items = [first]
        tok = self.peek()
        while self.is_punct(tok, ","):
            self.take()
            if self.peek() is None:
                raise OverrideSyntaxError("a comma ends the value; remove it or add the missing choice", len(self.text.rstrip()) - 1)
            items.append(self.element())
            tok = self.peek()
        if tok is not None:
            if self.is_punct(tok, ")"):
                raise OverrideSyntaxError("this ')' closes nothing (too many closing parentheses)", tok.start)
            raise OverrideSyntaxError(f"unexpected {tok.text!r} after the value", tok.start)
        if len(items) == 1:
            return first
        return SimpleChoice(items, _start(items[0]), _end(items[-1]))

    def element(self) -> Any:
        tok = self.peek()
        if tok is None:
            raise OverrideSyntaxError("a value is missing here", len(self.text))
        kind = tok.kind
        if kind == "id":
            if self.followed_by("("):  # a function call: name, optional spaces, '('
                return self.call()
            return self.primitive()
        if kind != "punct":
            return self.primitive()
        if tok.text == "[":
            return self.list_value()
        if tok.text == "{":
            return self.dict_value()
        if tok.text in ")]},=":
            what = {",": "a value is missing before this comma", "=": "a value is missing before '='"}.get(
                tok.text, f"a value is missing before {tok.text!r}")
            raise OverrideSyntaxError(what, tok.start)
        return self.primitive()

    def primitive(self) -> Prim:
        self.skip_ws()
        start_index = self.i
        parts: list[_Tok] = []
        while self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok.kind == "punct" and tok.text != ":":
                break
            if tok.kind == "quoted" and parts and any(p.kind != "ws" for p in parts):
                break
            parts.append(tok)
            self.i += 1
            if tok.kind == "quoted":
                break
        while parts and parts[-1].kind == "ws":
            parts.pop()
            self.i -= 1
        if not parts:
            tok = self.toks[start_index] if start_index < len(self.toks) else None
            raise OverrideSyntaxError("a value is missing here", tok.start if tok else len(self.text))
        if any(p.kind == "quoted" for p in parts) and len(parts) > 1:
            q = next(p for p in parts if p.kind == "quoted")
            raise OverrideSyntaxError("a quoted string cannot be joined to other text; quote the whole value", q.start, q.end)
        return _typed(parts, self.text)

    def call(self) -> Call:
        name_tok = self.take()
        self.expect("(", f"after {name_tok.text}")
        args: list[Arg] = []
        tok = self.peek()
        if self.is_punct(tok, ")"):
            close = self.take()
            return Call(name_tok.text, args, name_tok.start, close.end, name_tok.end)
        while True:
            if tok is None:
                raise OverrideSyntaxError(f"{name_tok.text}( is never closed; add ')'", name_tok.start, name_tok.end)
            name = None
            arg_start = tok.start
            if tok.kind == "id":
                if self.followed_by("="):
                    name = self.take().text
                    self.take()  # '='
                    if self.peek() is None or self.is_punct(self.peek(), ",") or self.is_punct(self.peek(), ")"):
                        where = self.peek().start if self.peek() is not None else len(self.text)
                        raise OverrideSyntaxError(f"the argument {name}= has no value", where)
            elif self.is_punct(tok, ","):
                raise OverrideSyntaxError("an argument is missing before this comma", tok.start)
            args.append(Arg(name, self.element(), arg_start))
            tok = self.peek()
            if tok is None:
                raise OverrideSyntaxError(f"{name_tok.text}( is never closed; add ')'", name_tok.start, name_tok.end)
            if self.is_punct(tok, ","):
                comma = self.take()
                tok = self.peek()
                if self.is_punct(tok, ")"):
                    raise OverrideSyntaxError("an argument is missing after this comma", comma.start)
                continue
            if self.is_punct(tok, ")"):
                close = self.take()
                return Call(name_tok.text, args, name_tok.start, close.end, name_tok.end)
            raise OverrideSyntaxError(f"expected ',' or ')' in {name_tok.text}(...), but found {tok.text!r}", tok.start)

    def list_value(self) -> ListV:
        open_tok = self.take()
        items: list[Any] = []
        if self.is_punct(self.peek(), "]"):
            return ListV(items, open_tok.start, self.take().end)
        while True:
            items.append(self.element())
            tok = self.peek()
            if self.is_punct(tok, ","):
                self.take()
                continue
            if self.is_punct(tok, "]"):
                return ListV(items, open_tok.start, self.take().end)
            if tok is None:
                raise OverrideSyntaxError("this list is never closed; add ']'", open_tok.start)
            raise OverrideSyntaxError(f"expected ',' or ']' in the list, but found {tok.text!r}", tok.start)

    def dict_value(self) -> DictV:
        open_tok = self.take()
        pairs: list[tuple[str, Any]] = []
        if self.is_punct(self.peek(), "}"):
            return DictV(pairs, open_tok.start, self.take().end)
        while True:
            self.skip_ws()
            parts: list[_Tok] = []
            while self.i < len(self.toks) and self.toks[self.i].kind in _DICT_KEY_TOKENS:
                parts.append(self.toks[self.i])
                self.i += 1
            while parts and parts[-1].kind == "ws":
                parts.pop()
            if not parts:
                key = self.peek()
                where = key.start if key is not None else len(self.text)
                raise OverrideSyntaxError("expected a key in the dict (a word, a number, true/false or null)", where)
            key = _typed(parts, self.text)
            self.expect(":", "after the dict key")
            pairs.append((key.value, self.element()))
            tok = self.peek()
            if self.is_punct(tok, ","):
                self.take()
                continue
            if self.is_punct(tok, "}"):
                return DictV(pairs, open_tok.start, self.take().end)
            if tok is None:
                raise OverrideSyntaxError("this dict is never closed; add '}'", open_tok.start)
            raise OverrideSyntaxError(f"expected ',' or '}}' in the dict, but found {tok.text!r}", tok.start)


_DICT_KEY_TOKENS = ("id", "null", "int", "float", "bool", "char", "esc", "ws")


def _typed(parts: list[_Tok], source: str) -> Prim:
    """A primitive from its tokens, typed as Hydra types it: one token keeps its type (int, float,
    bool, null, a quoted string without its quotes); several are joined as text, escapes undone."""
    start, end = parts[0].start, parts[-1].end
    text = source[start:end]
    if len(parts) == 1:
        tok = parts[0]
        if tok.kind == "quoted":
            return Prim(unescape_quoted(tok.text), tok.text, start, end, quoted=True)
        if tok.kind in ("int", "float"):
            return Prim(_number(tok), text, start, end)
        if tok.kind == "bool":
            return Prim(_BOOL[tok.text.lower()], text, start, end)
        if tok.kind == "null":
            return Prim(None, text, start, end)
    value = "".join(p.text[1::2] if p.kind == "esc" else p.text for p in parts)
    return Prim(value, text, start, end)


def _start(node: Any) -> int:
    return node.start


def _end(node: Any) -> int:
    return node.end


def parse(text: str) -> Any:
    """The parsed value of an override (`Prim`, `Call`, `ListV`, `DictV` or `SimpleChoice`).

    Raises OverrideSyntaxError with the offset of the problem.
    """
    return _Parser(text).value()


# --- the key before `=` ------------------------------------------------------------------------
# Hydra's key mode: a dotted package path (segments may hold `$`, or be unsigned integers) or a config
# group `a/b`, optionally `@package`, after an optional `~`, `+` or `++`; no blanks.
_KEY_WORD = r"[A-Za-z_$][A-Za-z0-9_$\-]*"
_KEY_ID = r"[A-Za-z_][A-Za-z0-9_\-]*"
_KEY_SEGMENT = r"(?:" + _KEY_WORD + "|" + _UINT + ")"
_PACKAGE = r"(?:" + _KEY_SEGMENT + r"(?:\." + _KEY_SEGMENT + ")+|" + _KEY_WORD + ")?"
_OVERRIDE_KEY = r"(?:~|\+\+?)?(?:" + _KEY_ID + r"(?:/" + _KEY_ID + ")+|" + _PACKAGE + ")(?:@" + _PACKAGE + ")?"


def is_override_key(text: str) -> bool:
    """Whether Hydra's grammar reads `text` as the key of an override `text=value`."""
    if text.isascii() and all(word.isidentifier() for word in text.split(".")):
        return True  # a name or a dotted path of names, as most keys are: the pattern's simplest case
    # (compiled on first use, by re's own cache: a costly pattern most runs never need)
    return re.fullmatch(_OVERRIDE_KEY, text) is not None


def functions_in(node: Any):
    """Every call in a parsed value, outermost first."""
    if isinstance(node, Call):
        yield node
        for a in node.args:
            yield from functions_in(a.value)
    elif isinstance(node, (ListV, SimpleChoice)):
        for item in node.items:
            yield from functions_in(item)
    elif isinstance(node, DictV):
        for _, v in node.pairs:
            yield from functions_in(v)
