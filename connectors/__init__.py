"""pantau's I/O edges (installed as ``pantau.connectors``): everything that touches the network.

* ``net/``      — the one HTTP client and its manners (robots.txt, pacing, Retry-After, size caps);
* ``sources/``  — where candidate links come from, one module per ``kind:`` of config.yaml;
* ``delivery/`` — alerts out through Apprise, one channel at a time.

Connectors read configuration and return plain data (``pantau.models``); they never touch the store.
"""
