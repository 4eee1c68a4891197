"""TaskMapper desktop app (Qt). Importing this package itself loads no Qt: the command line lives here too."""
