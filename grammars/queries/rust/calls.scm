; Awaited method calls: `conn.call_method(...).await`, `proxy.get_id().await`.
(await_expression
  (call_expression
    function: (field_expression
      value: (_) @receiver
      field: (field_identifier) @method)
    arguments: (arguments) @args) @call)
