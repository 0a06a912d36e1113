"""Live delivery: GraphQL subscriptions over WebSocket, fanned out between processes."""
