"""Answers users can cite: pure functions over the graph of :mod:`dataflows.graph`.

One module per question, each defining its answer precisely in its module
docstring (inputs, outputs, ordering, tie-breaks) so that the Cypher versions
can give identical results:

============================  =================================================
module                        question
============================  =================================================
:mod:`.sharing`               who shares what with whom (rows and a matrix)
:mod:`.paths`                 paths between two parties; reach up and down
:mod:`.creep`                 function creep: purpose drift, scope expansion
:mod:`.firewalls`             routes from public services to enforcement
:mod:`.safeguards`            flows and systems without known safeguards
:mod:`.register`              the transparency register, with its gaps
============================  =================================================

:mod:`.index` holds the compact integer view of the flows the path analyses
search; :mod:`.render` turns any result into text, JSON, CSV or Markdown;
:mod:`.reports` writes all six reports for the main job; :mod:`.bruteforce`
restates the path analyses by enumerating paths (for tests and benchmarks).
"""
