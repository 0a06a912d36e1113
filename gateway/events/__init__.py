"""Events: what changed on an account, written with the change, read by the change
feed, delivered by webhooks (and by the subscriptions built on the same table)."""
