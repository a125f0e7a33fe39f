"""One module per `nianbao` subcommand."""
