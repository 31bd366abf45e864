"""A workaround inside NiceGUI 3.18: an element's change while its update is already waiting to be sent costs nothing.

What NiceGUI does: every change to an element's props, classes or style (``element.props['x'] = 1``, ``.classes()``,
``.style()``, and every mixin of an element's constructor that sets one) runs the collection's change handlers through
``events.handle_event``: it gathers the handlers of the collection, its parents and its observers, enters the parent
slot, asks whether the handler takes arguments and calls it; the handler (``Props._update``, ``Classes._update``,
``Style._update``) calls ``element.update()``, which puts the element into its page's outbox. Once the element is in
the outbox, every further change does all of that again only to put the same element into the same place: the outbox
sends each element's state as it is when the outbox runs, once.

That is what building a page is made of: an element is put into the outbox as soon as it exists, and its own
constructor then changes it five to ten times (a button: its text, icon, colour and props; an input: its label,
value, validation and props). A join builds 30 elements and ran ~150 such handlers; with this, ~20 (cProfile), and a
join takes 12% fewer instructions (40.7-40.9 M against 35.8-35.9 M, counted by callgrind over 20 joins, in turn).

What changes here: ``ObservableCollection._handle_change`` notes the time of the change as before and then, when
nothing but the element's own update could come of it, returns at once. That is when all of these hold (anything
else goes NiceGUI's way):

- the collection is an element's props, classes or style, and its one change handler is its own ``_update``
  (no handler added by anyone else, no parent collection, no observer);
- for props, none of the props NiceGUI renames or warns about is set (``Props._update`` would fix those);
- the element's class does not override ``update()`` (``ui.toggle`` and other choice elements, plots do: they rebuild
  what they send there);
- the element is waiting in its page's outbox already (``outbox.updates``): it has not been sent since it was last
  put there, so it goes out with this change in it.

A second, smaller cost of the same kind: the first time a bindable property (an element's ``text``, ``value``,
``visible``...) is set, ``BindableProperty.__set__`` looks for bindings to pass the value on to
(``binding._propagate``), which a new element cannot have yet. :func:`_set_bindable` looks the property up in
``binding.bindings`` first, and passes the value on only if a binding starts there, as NiceGUI does.

``tests/ui/test_nicegui_quiet_changes.py`` checks that pages are sent as before (every element of a page, with and
without this), and fails when NiceGUI's code that this relies on changes.
"""
from __future__ import annotations

import time
from typing import Any

from nicegui import binding
from nicegui.classes import Classes
from nicegui.element import Element
from nicegui.observables import ObservableCollection
from nicegui.props import Props
from nicegui.style import Style

ELEMENT_COLLECTIONS = (Props, Classes, Style)

_handle_change = ObservableCollection._handle_change  # pylint: disable=protected-access
_bindable_set = binding.BindableProperty.__set__


def install() -> None:
    """Apply both changes (main.py, before any page is built)."""
    ObservableCollection._handle_change = _handle_change_unless_waiting  # type: ignore[method-assign]
    binding.BindableProperty.__set__ = _set_bindable  # type: ignore[method-assign]


def _handle_change_unless_waiting(self: ObservableCollection) -> None:
    """NiceGUI's ``ObservableCollection._handle_change``, unless all it would do is enqueue a waiting element."""
    if _only_updates_a_waiting_element(self):
        self.last_modified = time.time()
        return
    _handle_change(self)


def _only_updates_a_waiting_element(collection: ObservableCollection) -> bool:
    """Whether NiceGUI's handling of this change would only put an element into the outbox where it waits already."""
    kind = type(collection)
    if kind not in ELEMENT_COLLECTIONS or collection._observer_refs or collection._parent_ref is not None:
        return False
    handlers = collection._change_handlers
    if len(handlers) != 1:
        return False
    handler = handlers[0][0]  # NiceGUI gives each of them one: its own bound ``_update``
    if getattr(handler, '__func__', None) is not kind._update or getattr(handler, '__self__', None) is not collection:
        return False
    if kind is Props:
        for name in (*collection._renames, *collection._warnings):
            if name in collection:
                return False
    element: Element | None = collection._element()
    if element is None or type(element).update is not Element.update:
        return False
    client = element._client()
    return client is not None and not client.is_deleted and client.outbox.updates.get(element.id) is element


def _set_bindable(self: binding.BindableProperty, owner: Any, value: Any) -> None:
    """NiceGUI's ``BindableProperty.__set__``, passing the value on only where a binding starts at the property."""
    name = '___' + self.name
    has_attr = hasattr(owner, name)
    if not has_attr:
        binding._make_copyable(type(owner))  # pylint: disable=protected-access
    value_changed = has_attr and getattr(owner, name) != value
    if has_attr and not value_changed:
        return
    setattr(owner, name, value)
    key = (id(owner), (self.name,))
    binding.bindable_properties[key] = owner
    if key in binding.bindings:
        binding._propagate(owner, (self.name,))  # pylint: disable=protected-access
    if value_changed and self._change_handler is not None:
        self._change_handler(owner, value)
