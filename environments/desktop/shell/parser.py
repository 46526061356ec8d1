"""A small POSIX-shell parser: words with their quoting, pipes, `;`, `&&`, `||`, redirections,
here-documents, `$(...)`, and `for`/`if`/`while` blocks.

Quoting is kept on every word part (rather than flattened as `shlex` does) because it decides
what gets variable-expanded, split and globbed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import DesktopError

OPERATORS = (
    "&>>", "<<<", "<<-", "&&", "||", ";;", ">>", "<<", ">&", "<&", "&>", ">|",
    "|", ";", "&", "<", ">", "(", ")", "\n",
)  # fmt: skip
REDIRECTS = {">", ">>", "<", "<<", "<<-", "<<<", ">&", "<&", "&>", "&>>", ">|"}
RESERVED = {
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "until",
    "{",
    "}",
    "!",
}
SPECIAL_VARS = set("?$#@*!-0123456789")


@dataclass
class Part:
    kind: str
    """lit (unquoted), sq, dq, var, cmd, arith."""
    text: str
    quoted: bool = False
    """For var/cmd/arith: inside double quotes (no splitting, no globbing)."""


@dataclass
class Word:
    parts: list[Part]

    def literal(self) -> str | None:
        """The word's text when it is one plain unquoted literal (for reserved words)."""
        if len(self.parts) == 1 and self.parts[0].kind == "lit":
            return self.parts[0].text
        return None

    def raw(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass
class Token:
    kind: str
    """word or op."""
    value: str = ""
    word: Word | None = None
    heredoc: str | None = None
    heredoc_quoted: bool = False
    """A quoted delimiter (<<'EOF'): the body is taken literally."""
    io_number: int | None = None


@dataclass
class Redirect:
    fd: int
    op: str
    target: Word | None
    body: str | None = None
    """The here-document text."""
    expand: bool = True
    """Here-document with an unquoted delimiter: variables are expanded."""


@dataclass
class Simple:
    assigns: list[tuple[str, Word]]
    words: list[Word]
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Pipeline:
    commands: list[Node]
    negate: bool = False


@dataclass
class AndOr:
    items: list[tuple[str, Pipeline]]
    """(operator before it: '', '&&' or '||', pipeline)."""


@dataclass
class Seq:
    items: list[AndOr]


@dataclass
class For:
    var: str
    words: list[Word] | None
    body: Seq
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    orelse: Seq | None
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class While:
    cond: Seq
    body: Seq
    until: bool
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Group:
    body: Seq
    subshell: bool
    redirects: list[Redirect] = field(default_factory=list)


Node = Simple | For | If | While | Group


class ParseError(DesktopError):
    pass


# -- lexing -------------------------------------------------------------------------------


class _Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0
        self.tokens: list[Token] = []
        self.pending_heredocs: list[tuple[Token, str, bool]] = []

    def run(self) -> list[Token]:
        src = self.src
        while self.i < len(src):
            ch = src[self.i]
            if ch in " \t":
                self.i += 1
            elif ch == "\\" and src.startswith("\\\n", self.i):
                self.i += 2
            elif ch == "#" and (self.i == 0 or src[self.i - 1] in " \t\n;&|()"):
                while self.i < len(src) and src[self.i] != "\n":
                    self.i += 1
            elif ch == "\n":
                self.tokens.append(Token("op", "\n"))
                self.i += 1
                self._read_heredocs()
            elif self._operator():
                continue
            else:
                self._word()
        if self.pending_heredocs:
            self._read_heredocs()
        return self.tokens

    def _operator(self) -> bool:
        for op in OPERATORS:
            if self.src.startswith(op, self.i):
                self.i += len(op)
                token = Token("op", op)
                self.tokens.append(token)
                if op in ("<<", "<<-"):
                    self._heredoc_delimiter(token, strip=op == "<<-")
                return True
        return False

    def _heredoc_delimiter(self, token: Token, strip: bool) -> None:
        while self.i < len(self.src) and self.src[self.i] in " \t":
            self.i += 1
        self._word()
        delim_token = self.tokens.pop()
        word = delim_token.word
        assert word is not None
        quoted = any(p.kind in ("sq", "dq") for p in word.parts)
        token.word = word
        self.pending_heredocs.append((token, word.raw(), strip))
        token.heredoc_quoted = quoted

    def _read_heredocs(self) -> None:
        for token, delim, strip in self.pending_heredocs:
            lines = []
            while self.i < len(self.src):
                end = self.src.find("\n", self.i)
                end = len(self.src) if end < 0 else end
                line = self.src[self.i : end]
                self.i = end + 1
                check = line.lstrip("\t") if strip else line
                if check == delim:
                    break
                lines.append(check)
            token.heredoc = "".join(f"{line}\n" for line in lines)
        self.pending_heredocs = []

    def _word(self) -> None:
        src = self.src
        parts: list[Part] = []
        buf: list[str] = []

        def flush() -> None:
            if buf:
                parts.append(Part("lit", "".join(buf)))
                buf.clear()

        while self.i < len(src):
            ch = src[self.i]
            if ch in " \t\n;&|()<>":
                if ch in "<>" and not parts and "".join(buf).isdigit() and buf:
                    fd = int("".join(buf))
                    buf.clear()
                    self._operator()
                    self.tokens[-1].io_number = fd
                    return
                break
            if ch == "\\":
                if self.i + 1 < len(src):
                    flush()
                    parts.append(Part("sq", src[self.i + 1]))
                self.i += 2
            elif ch == "'":
                end = src.find("'", self.i + 1)
                if end < 0:
                    raise ParseError("unexpected EOF while looking for matching `''")
                flush()
                parts.append(Part("sq", src[self.i + 1 : end]))
                self.i = end + 1
            elif ch == '"':
                flush()
                self._double_quoted(parts)
            elif ch == "$":
                flush()
                parts.append(self._dollar(quoted=False))
            elif ch == "`":
                flush()
                end = src.find("`", self.i + 1)
                if end < 0:
                    raise ParseError("unexpected EOF while looking for matching ``'")
                parts.append(Part("cmd", src[self.i + 1 : end]))
                self.i = end + 1
            else:
                buf.append(ch)
                self.i += 1
        flush()
        if parts:
            self.tokens.append(Token("word", word=Word(parts)))

    def _double_quoted(self, parts: list[Part], heredoc: bool = False) -> None:
        """Scans a "..." string; for a here-document body, to the end of input instead."""
        src = self.src
        self.i += 0 if heredoc else 1
        buf: list[str] = []
        opened = heredoc
        while self.i < len(src):
            ch = src[self.i]
            if ch == '"' and not heredoc:
                self.i += 1
                opened = True
                break
            if (
                ch == "\\"
                and self.i + 1 < len(src)
                and src[self.i + 1] in ("\\$`\n" if heredoc else '"\\$`\n')
            ):
                if src[self.i + 1] != "\n":
                    buf.append(src[self.i + 1])
                self.i += 2
            elif (
                ch == "$"
                and self.i + 1 < len(src)
                and (
                    src[self.i + 1].isalnum()
                    or src[self.i + 1] in "_{("
                    or src[self.i + 1] in SPECIAL_VARS
                )
            ):
                parts.append(Part("dq", "".join(buf)))
                buf.clear()
                parts.append(self._dollar(quoted=True))
            elif ch == "`":
                parts.append(Part("dq", "".join(buf)))
                buf.clear()
                end = src.find("`", self.i + 1)
                if end < 0:
                    raise ParseError("unexpected EOF while looking for matching ``'")
                parts.append(Part("cmd", src[self.i + 1 : end], quoted=True))
                self.i = end + 1
            else:
                buf.append(ch)
                self.i += 1
        if not opened:
            raise ParseError("unexpected EOF while looking for matching `\"'")
        parts.append(Part("dq", "".join(buf)))

    def _dollar(self, quoted: bool) -> Part:
        src = self.src
        i = self.i + 1
        if src.startswith("((", i):
            end = _matching(src, i + 1, "(", ")")
            if end + 1 >= len(src) or src[end + 1] != ")":
                raise ParseError("unterminated $((")
            self.i = end + 2
            return Part("arith", src[i + 2 : end], quoted)
        if src.startswith("(", i):
            end = _matching(src, i, "(", ")")
            self.i = end + 1
            return Part("cmd", src[i + 1 : end], quoted)
        if src.startswith("{", i):
            end = src.find("}", i)
            if end < 0:
                raise ParseError("bad substitution")
            self.i = end + 1
            return Part("var", src[i + 1 : end], quoted)
        if i < len(src) and src[i] in SPECIAL_VARS:
            self.i = i + 1
            return Part("var", src[i], quoted)
        j = i
        while j < len(src) and (src[j].isalnum() or src[j] == "_"):
            j += 1
        if j == i:
            self.i = i
            return Part("dq" if quoted else "sq", "$")
        self.i = j
        return Part("var", src[i:j], quoted)


def _matching(src: str, start: int, open_ch: str, close_ch: str) -> int:
    """Index of the bracket closing the one at `start`, skipping quoted text."""
    depth, i = 0, start
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "'":
            i = src.find("'", i + 1)
            if i < 0:
                break
        elif ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ParseError(f"unexpected EOF while looking for matching `{close_ch}'")


def tokenize(src: str) -> list[Token]:
    return _Lexer(src).run()


def heredoc_parts(body: str) -> list[Part]:
    """A here-document body with an unquoted delimiter expands like a "..." string."""
    parts: list[Part] = []
    _Lexer(body)._double_quoted(parts, heredoc=True)
    return parts


# -- parsing ------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def peek_reserved(self) -> str | None:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.word is not None:
            lit = tok.word.literal()
            if lit in RESERVED:
                return lit
        return None

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.value in ops

    def skip_newlines(self) -> None:
        while self.is_op("\n"):
            self.i += 1

    def expect_reserved(self, word: str) -> None:
        self.skip_newlines()
        if self.peek_reserved() != word:
            tok = self.peek()
            got = (
                "end of input"
                if tok is None
                else (tok.value or (tok.word.raw() if tok.word else ""))
            )
            raise ParseError(f"syntax error near unexpected token `{got}' (expected `{word}')")
        self.i += 1

    def parse_seq(self, stop: set[str]) -> Seq:
        items: list[AndOr] = []
        while True:
            while self.is_op("\n", ";", "&"):
                self.i += 1
            tok = self.peek()
            if tok is None or self.peek_reserved() in stop or self.is_op(")"):
                return Seq(items)
            items.append(self.parse_and_or())
            if not self.is_op("\n", ";", "&") and self.peek() is not None:
                if self.peek_reserved() in stop or self.is_op(")"):
                    return Seq(items)
                tok = self.peek()
                raise ParseError(f"syntax error near unexpected token `{tok.value if tok else ''}'")

    def parse_and_or(self) -> AndOr:
        items = [("", self.parse_pipeline())]
        while self.is_op("&&", "||"):
            op = self.tokens[self.i].value
            self.i += 1
            self.skip_newlines()
            items.append((op, self.parse_pipeline()))
        return AndOr(items)

    def parse_pipeline(self) -> Pipeline:
        negate = False
        if self.peek_reserved() == "!":
            negate = True
            self.i += 1
        commands = [self.parse_command()]
        while self.is_op("|"):
            self.i += 1
            self.skip_newlines()
            commands.append(self.parse_command())
        return Pipeline(commands, negate)

    def parse_command(self) -> Node:
        word = self.peek_reserved()
        node: Node
        if word == "for":
            node = self.parse_for()
        elif word == "if":
            node = self.parse_if()
        elif word in ("while", "until"):
            self.i += 1
            cond = self.parse_seq({"do"})
            self.expect_reserved("do")
            body = self.parse_seq({"done"})
            self.expect_reserved("done")
            node = While(cond, body, until=word == "until")
        elif word == "{":
            self.i += 1
            body = self.parse_seq({"}"})
            self.expect_reserved("}")
            node = Group(body, subshell=False)
        elif self.is_op("("):
            self.i += 1
            body = self.parse_seq(set())
            if not self.is_op(")"):
                raise ParseError("syntax error: expected `)'")
            self.i += 1
            node = Group(body, subshell=True)
        else:
            return self.parse_simple()
        while self.peek() is not None and self._at_redirect():
            node.redirects.append(self.parse_redirect())
        return node

    def parse_for(self) -> For:
        self.i += 1
        tok = self.peek()
        if tok is None or tok.kind != "word" or tok.word is None or not tok.word.literal():
            raise ParseError("syntax error: expected a variable name after `for'")
        var = tok.word.literal() or ""
        self.i += 1
        words: list[Word] | None = None
        self.skip_newlines()
        if self.peek_reserved() == "in":
            self.i += 1
            words = []
            while (tok := self.peek()) is not None and tok.kind == "word" and tok.word is not None:
                words.append(tok.word)
                self.i += 1
        while self.is_op(";", "\n"):
            self.i += 1
        self.expect_reserved("do")
        body = self.parse_seq({"done"})
        self.expect_reserved("done")
        return For(var, words, body)

    def parse_if(self) -> If:
        self.i += 1
        branches = []
        cond = self.parse_seq({"then"})
        self.expect_reserved("then")
        body = self.parse_seq({"elif", "else", "fi"})
        branches.append((cond, body))
        orelse = None
        while True:
            self.skip_newlines()
            word = self.peek_reserved()
            if word == "elif":
                self.i += 1
                cond = self.parse_seq({"then"})
                self.expect_reserved("then")
                body = self.parse_seq({"elif", "else", "fi"})
                branches.append((cond, body))
            elif word == "else":
                self.i += 1
                orelse = self.parse_seq({"fi"})
            else:
                self.expect_reserved("fi")
                return If(branches, orelse)

    def _at_redirect(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.value in REDIRECTS

    def parse_redirect(self) -> Redirect:
        tok = self.tokens[self.i]
        self.i += 1
        op = tok.value
        if op in ("<<", "<<-"):
            return Redirect(0, "<<", None, tok.heredoc or "", expand=not tok.heredoc_quoted)
        default_fd = 0 if op in ("<", "<&", "<<<") else 1
        fd = tok.io_number if tok.io_number is not None else default_fd
        target = self.peek()
        if target is None or target.kind != "word" or target.word is None:
            raise ParseError(f"syntax error near unexpected token `{op}'")
        self.i += 1
        return Redirect(fd, op, target.word)

    def parse_simple(self) -> Simple:
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "op":
                if tok.value in REDIRECTS:
                    redirects.append(self.parse_redirect())
                    continue
                break
            assert tok.word is not None
            if not words and words is not None:
                reserved = self.peek_reserved()
                if reserved in ("}", "then", "do", "done", "fi", "else", "elif") and not assigns:
                    break
                name = _assignment_name(tok.word)
                if name is not None:
                    assigns.append((name, _assignment_value(tok.word, name)))
                    self.i += 1
                    continue
            words.append(tok.word)
            self.i += 1
        if not words and not assigns and not redirects:
            tok = self.peek()
            raise ParseError(
                f"syntax error near unexpected token `{tok.value if tok else 'newline'}'"
            )
        return Simple(assigns, words, redirects)


def _assignment_name(word: Word) -> str | None:
    first = word.parts[0]
    if first.kind != "lit" or "=" not in first.text:
        return None
    name = first.text.split("=", 1)[0]
    if (
        name
        and (name[0].isalpha() or name[0] == "_")
        and all(c.isalnum() or c == "_" for c in name)
    ):
        return name
    return None


def _assignment_value(word: Word, name: str) -> Word:
    first = word.parts[0]
    rest = first.text[len(name) + 1 :]
    parts = ([Part("lit", rest)] if rest else []) + word.parts[1:]
    return Word(parts or [Part("sq", "")])


def parse(src: str) -> Seq:
    parser = _Parser(tokenize(src))
    seq = parser.parse_seq(set())
    if parser.peek() is not None:
        tok = parser.peek()
        shown = (
            tok.value if tok and tok.kind == "op" else (tok.word.raw() if tok and tok.word else "")
        )
        raise ParseError(f"syntax error near unexpected token `{shown}'")
    return seq
