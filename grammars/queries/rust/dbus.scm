; One combined query, run only over the functions a rule's anchors point at.
(call_expression) @call
(binary_expression) @binary
(macro_invocation) @macro
(match_arm) @arm
