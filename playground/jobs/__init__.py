"""Jobs that outlive the tab: test sets, repeats and tuning runs kept in the database, one unit per request.

``spec`` plans and enqueues, ``store`` holds the atomic operations, ``execute`` runs a job's units on threads,
``limits`` shares concurrency per provider and key, ``local`` runs jobs on the app server's threads (SQLite),
``reading`` shows progress from anywhere. Workers on PostgreSQL: ``python -m playground.worker``.
"""
