"""Pure domain rules of the Sécurité sociale des indépendants account.

Nothing here does I/O or imports a framework: only the standard library and small
pure libraries (python-stdnum). Money is ``Decimal``; "today" is always an argument.
"""
