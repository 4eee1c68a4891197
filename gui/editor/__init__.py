"""The graph editor: the view, its items, their looks, its actions and mouse gestures.

- :mod:`gui.editor.view`: :class:`GraphEditorView`, observing a document;
- :mod:`gui.editor.items`: :class:`TaskItem`, :class:`EdgeItem`;
- :mod:`gui.editor.looks`: overlay, schedule and replay colours;
- :mod:`gui.editor.actions`: every editor command as one action with its keys;
- :mod:`gui.editor.gestures`: pan, connect, move, add, zoom with the mouse.
"""

from .items import LOD_NAME, LOD_SIMPLE, LOD_TEXT, EdgeItem, TaskItem, route_points
from .looks import STATE_COLOURS
from .view import DRAW_LIMIT_EDGES, DRAW_LIMIT_TASKS, GraphEditorView

__all__ = [
    "DRAW_LIMIT_EDGES", "DRAW_LIMIT_TASKS", "LOD_NAME", "LOD_SIMPLE", "LOD_TEXT", "STATE_COLOURS", "EdgeItem",
    "GraphEditorView", "TaskItem", "route_points",
]
