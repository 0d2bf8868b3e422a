"""Publishing: interactive, self-contained pages of the map and a static site.

=====================  ======================================================
module                 job
=====================  ======================================================
:mod:`.views`          which nodes and edges a page shows (map, ego,
                       jurisdiction, path, one analysis case)
:mod:`.findings`       the analyses' results as flags on flows and nodes,
                       and the cases that get a page of their own
:mod:`.style`          colours, shapes, dash patterns and the legend
:mod:`.layout`         node positions, computed once in Python
:mod:`.page`           one safe, offline HTML page per view (pyvis items,
                       own template, escaped JSON, CSP); aggregation of
                       large views
:mod:`.site`           :func:`~dataflows.render.site.write_site`: every
                       standard view, the reports as HTML, an index
=====================  ======================================================
"""
