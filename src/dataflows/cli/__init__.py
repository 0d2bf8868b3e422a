"""The ``dataflows`` command line: thin commands over the library.

One module per command group; each command parses its options, calls the
library and renders the result. Library errors become one clear line on
stderr and a non-zero exit (see :func:`dataflows.cli.common.handled`).
"""

from __future__ import annotations

import typer

from .. import __version__
from . import analyses, data, db
from .render import app as render_app

app = typer.Typer(
    name="dataflows",
    help=(
        "A cited map of how personal data moves between surveillance systems and public bodies.\n\n"
        "Start with 'dataflows build' (the main job) or 'dataflows validate' after editing graph_data/."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dataflows {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """A cited map of how personal data moves between surveillance systems and public bodies."""


app.command("build")(data.build)
app.command("validate")(data.validate)
app.command("schema")(data.schema)
app.add_typer(render_app, name="render")
app.command("load")(db.load)
app.command("verify")(db.verify)
app.command("queries")(db.list_queries)
app.command("query")(db.query)
app.command("flows")(analyses.flows)
app.command("matrix")(analyses.matrix)
app.command("paths")(analyses.paths)
app.command("reach")(analyses.reach)
app.command("creep")(analyses.creep)
app.command("firewalls")(analyses.firewalls)
app.command("safeguards")(analyses.safeguards)
app.command("register")(analyses.register)


def main() -> None:
    """Console entry point."""
    app()
