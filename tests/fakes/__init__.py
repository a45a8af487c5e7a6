"""Local fakes of the external HTTP services, speaking their real formats."""
