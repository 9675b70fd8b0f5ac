"""What the benchmarks share, one module per concern.

- :mod:`~benchmarks.harness.env`: paths, the TF environment, :func:`~benchmarks.harness.env.setup_env`
- :mod:`~benchmarks.harness.machine`: CPU, cores, load, CPU time (the header of every result)
- :mod:`~benchmarks.harness.clips`: the cached generated clips a benchmark reads
- :mod:`~benchmarks.harness.processes`: child processes with wall time, CPU and peak RSS
- :mod:`~benchmarks.harness.timing`: stopwatch, line fits, ratios, TF thread pools
- :mod:`~benchmarks.harness.reference_run`: the reference pipeline run (pushed model, records)
- :mod:`~benchmarks.harness.report`: result files and Markdown tables

Every benchmark runs its contenders side by side in one invocation (the machine is shared and
noisy) and reports ratios; absolute numbers are for orientation only. Importing these modules
changes nothing: a benchmark's entry point calls :func:`~benchmarks.harness.env.setup_env` first.
"""
