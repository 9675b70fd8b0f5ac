"""ExampleValidator that stops the pipeline when the examples do not match the schema."""
