"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader builds plain Python data; the node tree it composes first
keeps the line and column of each key and value. ``YamlDoc`` holds both, so
validation can point at ``path:line:col`` of the offending entry.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import ContentError

MAX_ALIASES = 50


# libyaml's parser when PyYAML has it: about ten times faster than pure Python.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """The safe loader, with impossible dates (2026-02-30) kept as text."""

    def construct_yaml_timestamp(self, node):
        """A date or time; PyYAML raises a bare ``ValueError`` for one that is no
        real date, so keep it as text for the field that wants a date to report."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return node.value


    def construct_object(self, node, deep=False):
        """Any value; a scalar its tag cannot read (``!!int abc``, an integer past
        Python's digit limit) is an error at its place, not a bare exception."""
        try:
            return super().construct_object(node, deep=deep)
        except (ArithmeticError, AttributeError, LookupError, TypeError,
                ValueError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, _unreadable(node, error), node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
# Keys a mapping merges in (<<) or takes its value from (=), not keys of its own.
_SPECIAL_KEY_TAGS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")
_STR_TAG = "tag:yaml.org,2002:str"


def _unreadable(node, error: Exception) -> str:
    """Why the scalar ``node`` cannot be read as its tag says."""
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    value = str(node.value)
    digits = sum(char.isdigit() for char in value)
    if tag == "!!int" and digits > sys.get_int_max_str_digits():
        return (f"a number of {digits} digits is too long "
                f"(at most {sys.get_int_max_str_digits()})")
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"'{shown}' is not a valid {tag}"


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document: its data and the node tree with positions."""

    data: Any
    node: yaml.Node | None
    path: str
    line_offset: int = 0

    def where(self, *keys: Any) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``keys``, or its nearest parent."""
        node, mark = self.node, None
        if node is not None:
            mark = node.start_mark
        for key in keys:
            if not isinstance(node, yaml.MappingNode):
                break
            for key_node, value_node in node.value:
                if _names(key_node, key):
                    node, mark = value_node, value_node.start_mark
                    break
            else:
                break
        if mark is None:
            return self.line_offset + 1, 1
        return mark.line + 1 + self.line_offset, mark.column + 1

    def where_key(self, *keys: Any) -> tuple[int, int]:
        """Line and column of the last key in ``keys`` itself (not its value)."""
        parent = self.node
        for key in keys[:-1]:
            parent = _child(parent, key)
        for key_node, _ in getattr(parent, "value", []) if isinstance(
                parent, yaml.MappingNode) else []:
            if _names(key_node, keys[-1]):
                mark = key_node.start_mark
                return mark.line + 1 + self.line_offset, mark.column + 1
        return self.where(*keys[:-1])

    def error(self, message: str, *keys: Any, at_key: bool = False) -> ContentError:
        """A ``ContentError`` placed at the entry named by ``keys``."""
        line, column = self.where_key(*keys) if at_key and keys else self.where(*keys)
        return ContentError(message, self.path, line, column)


def _child(node, key):
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if _names(key_node, key):
                return value_node
    return None


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C: 'Café' typed or pasted is one name."""
    return unicodedata.normalize("NFC", text)


def _names(key_node, key: Any) -> bool:
    """Whether ``key_node`` is spelled as ``key`` (compared in NFC, as text)."""
    return (isinstance(key_node, yaml.ScalarNode)
            and nfc(key_node.value) == nfc(str(key)))


def _key(loader, key_node) -> Any:
    """What ``key_node`` means as a key: its constructed value (``0x1`` is ``1``,
    ``~`` is ``null``, text in NFC); its tag and spelling when it is no plain key."""
    if isinstance(key_node, yaml.ScalarNode) and key_node.tag not in _SPECIAL_KEY_TAGS:
        key = (key_node.value if key_node.tag == _STR_TAG  # the usual key, at once
               else loader.construct_object(key_node))
        if isinstance(key, str):
            return nfc(key)
        try:
            hash(key)
            return key
        except TypeError:
            pass
    return (key_node.tag, id(key_node))


def _check_tree(node, path: str, line_offset: int, loader) -> None:
    """Reject duplicate keys anywhere in the tree, and alias floods (billion laughs)."""
    stack, seen_nodes, aliases = [node], set(), 0
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:  # an alias: the anchored node, once more
            aliases += 1
            if aliases > MAX_ALIASES:
                mark = current.start_mark
                raise ContentError(f"more than {MAX_ALIASES} YAML aliases", path,
                                   mark.line + 1 + line_offset, mark.column + 1)
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen = {}
            for key_node, value_node in current.value:
                key = _key(loader, key_node)
                if key in seen:
                    raise _duplicate(key_node, seen[key], path, line_offset)
                seen[key] = key_node
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _duplicate(key_node, first, path: str, line_offset: int) -> ContentError:
    """The error for ``key_node``, a key equal to the earlier key ``first``."""
    mark = key_node.start_mark
    message = f"duplicate key '{nfc(key_node.value)}'"
    if nfc(key_node.value) != nfc(first.value):  # equal, though spelled otherwise
        message += (f" (the same key as '{first.value}' on line "
                    f"{first.start_mark.line + 1 + line_offset})")
    return ContentError(message, path, mark.line + 1 + line_offset, mark.column + 1)


def load_yaml(text: str, path: str, line_offset: int = 0) -> YamlDoc:
    """Parse ``text`` safely; errors become ``ContentError`` at ``path:line:col``."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_tree(node, path, line_offset, loader)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(f"invalid YAML: {problem}", path, line, column) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"invalid YAML: {exc}", path, line_offset + 1, 1) from None
    except RecursionError:
        raise ContentError("invalid YAML: nested too deeply", path,
                           line_offset + 1, 1) from None
    finally:
        loader.dispose()
    return YamlDoc(data, node, path, line_offset)
