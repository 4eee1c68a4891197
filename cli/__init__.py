"""The ``taskmapper`` command: one module per group of subcommands, no Qt on the command path.

:mod:`cli.main` builds the parser from the modules listed in ``COMMAND_MODULES`` (each has
``register(subparsers)``) and turns every error into one line on stderr with exit status 2.
"""
