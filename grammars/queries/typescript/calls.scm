; Awaited method calls: `await bus.call(msg)`, `await iface.Method(...)`.
(await_expression
  (call_expression
    function: (member_expression
      object: (_) @receiver
      property: (property_identifier) @method)
    arguments: (arguments) @args) @call)
