"""Running Hi-Lo as several instances: the local cluster, the services it starts and the proxy configuration."""
