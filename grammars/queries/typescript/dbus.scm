; One combined query, run only over the functions a rule's anchors point at.
(call_expression) @call
(new_expression) @new
(binary_expression) @binary
(switch_case) @case
