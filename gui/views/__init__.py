"""Views of the mapping step beside the Gantt chart.

- :mod:`gui.views.profile`: :class:`ProfileView`, the parallelism profile;
- :mod:`gui.views.scaling`: :class:`ScalingView`, makespan and speed-up against the number of workers.
"""

from .profile import ProfileView
from .scaling import ScalingView

__all__ = ["ProfileView", "ScalingView"]
