"""An example trustbench plugin: the smallest package that adds a task."""
