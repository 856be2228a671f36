"""Jobs: the dramatiq actors (thin: load ids, call an action), the broker, the periodic
sweeps, dead letters and the scheduler process (``python -m mailflow.jobs.schedule``)."""
