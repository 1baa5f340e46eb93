"""`make bench`: pantau's whole pipeline measured against the limits it should reach.

Real articles from the shared pool are rendered into news pages (``render``), served by a loopback
site of many hosts with one RSS feed and one robots.txt each (``site``), and read by trafilatura
alone (``raw``), by the sequential script a user would write (``plain``) and by ``pantau run`` as a
subprocess (``runs``), whose process tree is watched for wall time, CPU and memory (``procs``).
``python -m bench`` runs it all (``__main__``) and prints a table and one JSON line (``report``).
"""
