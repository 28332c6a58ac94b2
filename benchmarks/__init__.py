"""remit's benchmark harness: decision latency against the Python floor and peer engines.

Run it with `python -m benchmarks` (see `benchmarks/README.md`). Modules: `calls` (the
calls), `floor` (the policy as hand-written closures), `engines` (the rows and the agreement
check), `celpy_engine` (cel-python's interpreter), `generate` (the 500-rule policy),
`timing` (the method), `report` (the table and the JSON).
"""
