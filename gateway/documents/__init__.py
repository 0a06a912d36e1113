"""The caisse's PDF documents: pure renderers from frozen data (SPEC §4, §6)."""
