"""Signals of the organisation tree that apps above may listen to.

``tree_changed`` is sent when units are written in bulk (the tree import), past the model's
``post_save``: whatever an app caches about units (the register's choices and earliest
year in ``resolutions``) is dropped on it as on a save.
"""
from django.dispatch import Signal

tree_changed = Signal()
